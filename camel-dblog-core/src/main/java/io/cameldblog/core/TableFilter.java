package io.cameldblog.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code includeTables}/{@code excludeTables} options: comma-separated regular expressions matched
 * against the whole {@code db.table} ({@code schema.table} for PostgreSQL, {@code db.collection} for MongoDB).
 * A name passes when it matches an include pattern (or there are none) and no exclude pattern.
 */
public final class TableFilter {

    private static final TableFilter ALL = new TableFilter(List.of(), List.of());

    private final List<Pattern> includes;
    private final List<Pattern> excludes;
    /** Names that pass whatever the options say (the signal table); null when none. */
    private final Pattern always;
    /** Answers per schema and table; bounded, so a schema with endless generated table names cannot fill memory. */
    private final Map<String, Map<String, Boolean>> decided = new ConcurrentHashMap<>();
    private static final int MAX_REMEMBERED = 10_000;

    private TableFilter(List<Pattern> includes, List<Pattern> excludes) {
        this(includes, excludes, null);
    }

    private TableFilter(List<Pattern> includes, List<Pattern> excludes, Pattern always) {
        this.includes = always == null || includes.isEmpty() ? includes
                : java.util.stream.Stream.concat(includes.stream(), java.util.stream.Stream.of(always)).toList();
        this.excludes = excludes;
        this.always = always;
    }

    /**
     * The names of one table as the filters see them: a bare name matches that table in every database or schema,
     * {@code db.table} just that one. Null for a blank name.
     */
    public static Pattern tablePattern(String table) {
        if (table == null || table.isBlank()) {
            return null;
        }
        String t = table.trim();
        return Pattern.compile(t.contains(".") ? Pattern.quote(t) : "[^.]+\\." + Pattern.quote(t));
    }

    /**
     * This filter, also passing the names {@code always} matches (the signal table's, {@link #tablePattern}): its
     * rows reach the consumer, which takes them as signals.
     */
    public TableFilter alsoPassing(Pattern always) {
        if (always == null || isAll()) {
            return this;
        }
        return new TableFilter(includes, excludes, always);
    }

    public static TableFilter all() {
        return ALL;
    }

    /**
     * @throws DbLogConfigurationException naming the option and the bad pattern
     */
    public static TableFilter of(String includeTables, String excludeTables) {
        return new TableFilter(compile("includeTables", includeTables), compile("excludeTables", excludeTables));
    }

    /**
     * {@link #matches(String)} for {@code schema.table}, remembered per table: a stream asks once per row, the
     * answer changes only with the name, and building the name and running every pattern was a noticeable share of
     * each row's cost.
     */
    public boolean matches(String schema, String table) {
        if (isAll()) {
            return true;
        }
        Map<String, Boolean> tables = decided.computeIfAbsent(schema == null ? "" : schema,
                k -> new ConcurrentHashMap<>());
        Boolean known = tables.get(table);
        if (known != null) {
            return known;
        }
        boolean match = matches(schema + "." + table);
        if (tables.size() < MAX_REMEMBERED) {
            tables.put(table, match);
        }
        return match;
    }

    public boolean matches(String qualifiedName) {
        if (qualifiedName == null) {
            return includes.isEmpty();
        }
        if (always != null && always.matcher(qualifiedName).matches()) {
            return true;
        }
        if (!includes.isEmpty() && includes.stream().noneMatch(p -> p.matcher(qualifiedName).matches())) {
            return false;
        }
        return excludes.stream().noneMatch(p -> p.matcher(qualifiedName).matches());
    }

    public boolean isAll() {
        return includes.isEmpty() && excludes.isEmpty();
    }

    /** The include patterns (with the one of {@link #alsoPassing} when there are any). */
    public List<Pattern> includes() {
        return includes;
    }

    private static List<Pattern> compile(String option, String value) {
        List<Pattern> patterns = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return List.of();
        }
        for (String part : value.split(",")) {
            String regex = part.trim();
            if (regex.isEmpty()) {
                continue;
            }
            try {
                patterns.add(Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw new DbLogConfigurationException(
                        "Option " + option + " has an invalid regular expression '" + regex + "': " + e.getDescription()
                                                      + ".",
                        "write comma-separated Java regular expressions matched against db.table, e.g. "
                               + option + "=shop\\.orders,shop\\.order_.*",
                        e);
            }
        }
        return List.copyOf(patterns);
    }

    @Override
    public String toString() {
        return "TableFilter{include=" + includes + ", exclude=" + excludes + "}";
    }
}
