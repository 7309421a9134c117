package io.cameldblog.mysql;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@code QUERY} event means for the stream: a transaction boundary, a savepoint, a {@code TRUNCATE} or a
 * DDL statement naming a table, or any other statement.
 * <p>
 * The text is the statement as the server logged it ({@code SAVEPOINT `a`}, {@code ROLLBACK TO `a`},
 * {@code XA END X'7831',X'',1}); leading comments are skipped. Whether a statement is inside a transaction is not
 * decided here but by the events around it (see {@link BinlogCursor}).
 */
record BinlogQuery(Kind kind, String db, String name) {

    enum Kind {
        BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ROLLBACK_TO_SAVEPOINT, RELEASE_SAVEPOINT,
        XA_START, XA_END, XA_PREPARE, XA_COMMIT, XA_ROLLBACK,
        /** {@code TRUNCATE [TABLE] db.table}: {@code db}, {@code name} are the table. */
        TRUNCATE,
        /** A table DDL statement: {@code db}, {@code name} are the table it names. */
        TABLE_DDL,
        /** Any other statement: DDL without a table name (the catalogue forgets everything), DML in statement form. */
        OTHER
    }

    private static final String IDENT = "(?:`((?:[^`]|``)+)`|([\\w$]+))";
    private static final String TABLE = "(?:" + IDENT + "\\s*\\.\\s*)?" + IDENT;
    private static final Pattern LEADING_COMMENTS = Pattern.compile("^(?:\\s+|/\\*.*?\\*/|#[^\\n]*\\n|--\\s[^\\n]*\\n)*",
            Pattern.DOTALL);
    private static final Pattern SAVEPOINT = Pattern.compile("SAVEPOINT\\s+" + IDENT + ".*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ROLLBACK_TO = Pattern.compile(
            "ROLLBACK(?:\\s+WORK)?\\s+TO\\s+(?:SAVEPOINT\\s+)?" + IDENT + ".*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern RELEASE = Pattern.compile("RELEASE\\s+SAVEPOINT\\s+" + IDENT + ".*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TRUNCATE = Pattern.compile("TRUNCATE\\s+(?:TABLE\\s+)?" + TABLE + ".*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TABLE_DDL = Pattern.compile(
            "(?:ALTER|CREATE|DROP|RENAME)\\s+(?:(?:OR\\s+REPLACE|TEMPORARY|ONLINE|OFFLINE|IGNORE)\\s+)*(?:TABLE|INDEX)\\s+"
                                                             + "(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?" + TABLE + ".*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    static BinlogQuery parse(String sql, String defaultDb) {
        String s = LEADING_COMMENTS.matcher(sql).replaceFirst("");
        String upper = s.toUpperCase(Locale.ROOT);
        if (upper.equals("BEGIN") || upper.startsWith("BEGIN ") || upper.startsWith("START TRANSACTION")) {
            return of(Kind.BEGIN);
        }
        if (upper.equals("COMMIT") || upper.startsWith("COMMIT ") || upper.startsWith("COMMIT;")) {
            return of(Kind.COMMIT);
        }
        if (upper.startsWith("XA ")) {
            String verb = upper.substring(3).stripLeading();
            for (Kind k : new Kind[] { Kind.XA_START, Kind.XA_END, Kind.XA_PREPARE, Kind.XA_COMMIT, Kind.XA_ROLLBACK }) {
                if (verb.startsWith(k.name().substring(3))) {
                    return of(k);
                }
            }
            if (verb.startsWith("BEGIN")) {
                return of(Kind.XA_START);
            }
            return of(Kind.OTHER);
        }
        Matcher m = ROLLBACK_TO.matcher(s);
        if (m.matches()) {
            return new BinlogQuery(Kind.ROLLBACK_TO_SAVEPOINT, null, ident(m, 1));
        }
        if (upper.equals("ROLLBACK") || upper.startsWith("ROLLBACK ") || upper.startsWith("ROLLBACK;")) {
            return of(Kind.ROLLBACK);
        }
        m = SAVEPOINT.matcher(s);
        if (m.matches()) {
            return new BinlogQuery(Kind.SAVEPOINT, null, ident(m, 1));
        }
        m = RELEASE.matcher(s);
        if (m.matches()) {
            return new BinlogQuery(Kind.RELEASE_SAVEPOINT, null, ident(m, 1));
        }
        m = TRUNCATE.matcher(s);
        if (m.matches()) {
            return table(Kind.TRUNCATE, m, defaultDb);
        }
        m = TABLE_DDL.matcher(s);
        if (m.matches()) {
            return table(Kind.TABLE_DDL, m, defaultDb);
        }
        return of(Kind.OTHER);
    }

    private static BinlogQuery of(Kind kind) {
        return new BinlogQuery(kind, null, null);
    }

    private static BinlogQuery table(Kind kind, Matcher m, String defaultDb) {
        String db = ident(m, 1);
        String table = ident(m, 3);
        return new BinlogQuery(kind, db != null ? db : emptyToNull(defaultDb), table);
    }

    /** The identifier in groups {@code g} (quoted) or {@code g + 1} (plain). */
    private static String ident(Matcher m, int g) {
        if (m.group(g) != null) {
            return m.group(g).replace("``", "`");
        }
        return m.group(g + 1);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
