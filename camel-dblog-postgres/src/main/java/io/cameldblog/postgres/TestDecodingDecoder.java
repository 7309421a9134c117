package io.cameldblog.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.cameldblog.core.Operation;

/**
 * Reads the text of PostgreSQL's built-in {@code test_decoding} plugin ({@code include-xids},
 * {@code include-timestamp}) into the same messages as pgoutput.
 * <p>
 * test_decoding never states a transaction's commit LSN, which pgoutput's positions are built on. Its
 * transactions arrive in commit order, though, and a stream started at the end of one transaction begins with
 * the next: so here a transaction is identified by the LSN where the previous one ended (the start LSN for the
 * first one of a connection). Its rows' positions are that LSN plus the rows done, and a restart from such a
 * position re-reads exactly that transaction first and skips the rows done.
 */
final class TestDecodingDecoder implements PgPluginDecoder {


    private final PgValueConverter values;
    private final PgTypeRegistry types;
    private final Function<String, List<String>> primaryKeyOf;
    private final Function<String, String[]> partitionRootOf;
    private final Map<String, PgRelation> relations = new HashMap<>();
    private long previousEnd;
    private long xid;

    /**
     * @param startLsn     where the stream starts: the identity of its first transaction
     * @param primaryKeyOf primary key columns of a table by its qualified name (test_decoding does not say)
     * @param partitionRootOf schema and name of the partitioned table a partition belongs to, null for others:
     *                        test_decoding names the partition, events name the table a user writes to
     */
    TestDecodingDecoder(PgValueConverter values, PgTypeRegistry types, long startLsn,
                        Function<String, List<String>> primaryKeyOf, Function<String, String[]> partitionRootOf) {
        this.values = values;
        this.types = types;
        this.previousEnd = startLsn;
        this.primaryKeyOf = primaryKeyOf;
        this.partitionRootOf = partitionRootOf;
    }

    @Override
    public PgMessage decode(ByteBuffer message, long receiveLsn) {
        byte[] bytes = new byte[message.remaining()];
        message.duplicate().get(bytes);
        String line = new String(bytes, StandardCharsets.UTF_8);
        if (line.startsWith("BEGIN")) {
            xid = Long.parseLong(line.substring(5).trim());
            // the commit time only comes with COMMIT: until then the rows carry the time they were read
            return new PgMessage.Begin(previousEnd, System.currentTimeMillis() * 1000L - 946_684_800_000_000L, xid);
        }
        if (line.startsWith("COMMIT")) {
            long identity = previousEnd;
            previousEnd = receiveLsn;
            int at = line.indexOf("(at ");
            long micros = at < 0 ? 0 : PgMessage.pgMicros(line.substring(at + 4, line.lastIndexOf(')')));
            return new PgMessage.Commit(identity, receiveLsn, micros);
        }
        if (line.startsWith("table ")) {
            return change(line);
        }
        return null; // "message: ..." and anything else: nothing to route
    }

    /**
     * The heartbeat stored {@code lsn} and the slot follows it: the next transaction is the first one a
     * restart from {@code lsn} reads, so that is its identity. Named by the older end instead, its rows' positions
     * would lie behind the slot and a restart from them would be refused as "older than the slot".
     */
    @Override
    public void passed(long lsn) {
        if (Long.compareUnsigned(lsn, previousEnd) > 0) {
            previousEnd = lsn;
        }
    }

    private PgMessage change(String line) {
        int colon = line.indexOf(": ", 6);
        String tables = line.substring(6, colon);
        String rest = line.substring(colon + 2);
        int opEnd = rest.indexOf(':');
        String op = rest.substring(0, opEnd);
        String data = rest.substring(opEnd + 1).trim();
        if ("TRUNCATE".equals(op)) {
            List<PgRelation> truncated = new ArrayList<>();
            for (String t : tables.split(", ")) {
                truncated.add(relation(t, List.of()));
            }
            return new PgMessage.Truncate(truncated, data.contains("cascade"), data.contains("restart_seqs"));
        }
        Tuple before = null;
        Tuple after = null;
        switch (op) {
            case "INSERT" -> after = tuple(data);
            case "DELETE" -> before = data.startsWith("(no-tuple-data)") ? null : tuple(data);
            case "UPDATE" -> {
                if (data.startsWith("old-key: ")) {
                    int split = data.indexOf(" new-tuple: ");
                    before = tuple(data.substring("old-key: ".length(), split));
                    after = tuple(data.substring(split + " new-tuple: ".length()));
                } else {
                    after = tuple(data);
                }
            }
            default -> {
                return null;
            }
        }
        Tuple shape = after != null ? after : before;
        PgRelation relation = relation(tables, shape == null ? List.of() : shape.columns());
        return new PgMessage.Row(relation, "INSERT".equals(op) ? Operation.INSERT
                : "UPDATE".equals(op) ? Operation.UPDATE : Operation.DELETE,
                before == null ? null : before.values(), after == null ? null : after.values(),
                after == null ? Set.of() : after.unchanged(), 0);
    }

    private PgRelation relation(String qualified, List<PgRelation.Column> columns) {
        String name = unquote(qualified);
        PgRelation known = relations.get(name);
        if (known != null && (columns.isEmpty() || known.columns().equals(columns))) {
            return known;
        }
        List<String> keys = known != null ? known.keyColumns() : primaryKeyOf.apply(qualified);
        String[] root = known != null ? new String[] { known.schema(), known.table() } : partitionRootOf.apply(qualified);
        int dot = name.indexOf('.');
        if (root == null) {
            root = new String[] { name.substring(0, dot), name.substring(dot + 1) };
        }
        PgRelation relation = new PgRelation(name.hashCode(), root[0], root[1], 'd', columns, keys);
        relations.put(name, relation);
        return relation;
    }

    record Tuple(List<PgRelation.Column> columns, Map<String, Object> values, Set<String> unchanged) {
    }

    /** {@code name[type]:value ...}: values are quoted ('' inside), unquoted, null or unchanged-toast-datum. */
    private Tuple tuple(String text) {
        List<PgRelation.Column> columns = new ArrayList<>();
        Map<String, Object> row = new LinkedHashMap<>();
        Set<String> unchanged = new LinkedHashSet<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            if (i >= text.length()) {
                break;
            }
            int open = text.indexOf('[', i);
            String name = unquote(text.substring(i, open));
            int close = text.indexOf("]:", open);
            String type = text.substring(open + 1, close);
            i = close + 2;
            String raw;
            if (i < text.length() && text.charAt(i) == '\'') {
                StringBuilder value = new StringBuilder();
                i++;
                while (i < text.length()) {
                    char c = text.charAt(i);
                    if (c == '\'') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                            value.append('\'');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    value.append(c);
                    i++;
                }
                raw = value.toString();
                int oid = types.oidOf(type);
                columns.add(new PgRelation.Column(name, oid, -1, false));
                row.put(name, values.fromText(oid, raw));
                continue;
            }
            int end = text.indexOf(' ', i);
            raw = end < 0 ? text.substring(i) : text.substring(i, end);
            i = end < 0 ? text.length() : end;
            int oid = types.oidOf(type);
            columns.add(new PgRelation.Column(name, oid, -1, false));
            if ("unchanged-toast-datum".equals(raw)) {
                unchanged.add(name);
            } else {
                row.put(name, "null".equals(raw) ? null : values.fromText(oid, raw));
            }
        }
        return new Tuple(columns, row, unchanged);
    }

    private static String unquote(String identifier) {
        return identifier.replace("\"", "");
    }

}
