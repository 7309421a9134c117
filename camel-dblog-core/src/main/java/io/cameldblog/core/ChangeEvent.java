package io.cameldblog.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One changed row or document, the body of every exchange a camel-dblog consumer emits.
 * <p>
 * Field names follow Debezium's envelope ({@code op}, {@code before}, {@code after}, {@code source},
 * {@code ts_ms}) so consumers of that format work unchanged. Row images are ordered maps from column name to a
 * value that carries the column's meaning (String, Long, BigInteger, BigDecimal, Boolean, byte[], java.time
 * types, and Map/List for JSON columns and documents).
 * <p>
 * {@link #unchangedColumns()} names columns whose value the source did not send because it did not change
 * (PostgreSQL TOAST). They are absent from {@code after}: a sink must keep its current value for them, and
 * never receives a placeholder string it could store as data.
 */
public final class ChangeEvent {

    private final Operation op;
    private final Map<String, Object> before;
    private final Map<String, Object> after;
    private final SourceInfo source;
    private final long tsMs;
    private final Map<String, Object> key;
    private final Set<String> unchangedColumns;
    private final LogPosition position;

    private ChangeEvent(Builder b) {
        this.op = Objects.requireNonNull(b.op, "op");
        this.before = b.before == null ? null : readOnly(b.before, b.ownMaps);
        this.after = b.after == null ? null : readOnly(b.after, b.ownMaps);
        this.source = Objects.requireNonNull(b.source, "source");
        this.tsMs = b.tsMs != null ? b.tsMs : System.currentTimeMillis();
        this.key = b.key == null ? Map.of() : readOnly(b.key, b.ownMaps);
        this.unchangedColumns = b.unchangedColumns == null ? Set.of()
                : Collections.unmodifiableSet(new LinkedHashSet<>(b.unchangedColumns));
        this.position = b.position;
    }

    private static Map<String, Object> readOnly(Map<String, Object> map, boolean own) {
        return Collections.unmodifiableMap(own ? map : new LinkedHashMap<>(map));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Operation op() {
        return op;
    }

    /** The row before the change: null for inserts; for updates and deletes as much as the source logs. */
    public Map<String, Object> before() {
        return before;
    }

    /** The row after the change: null for deletes and truncates. */
    public Map<String, Object> after() {
        return after;
    }

    public SourceInfo source() {
        return source;
    }

    /** When the connector processed the event, epoch milliseconds (Debezium's top-level {@code ts_ms}). */
    public long tsMs() {
        return tsMs;
    }

    /** The primary key (or {@code _id}) as column name to value; empty when the table has none. */
    public Map<String, Object> key() {
        return key;
    }

    public Set<String> unchangedColumns() {
        return unchangedColumns;
    }

    /**
     * The position that, once this event is processed, lets a reader continue right after it (including how
     * many rows of its transaction are done). Not part of the JSON envelope: its text form is
     * {@code source.position}.
     */
    public LogPosition position() {
        return position;
    }

    /** Database, schema-qualified table for PostgreSQL: what include/exclude filters match. */
    public String qualifiedTable() {
        String t = source.qualifiedTable();
        return source.db() == null ? t : source.db() + "." + t;
    }

    /** The envelope as an ordered map with Java values (see {@link io.cameldblog.core.json.ChangeEventJson} for JSON). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op.code());
        m.put("before", before);
        m.put("after", after);
        m.put("source", source.toMap());
        m.put("ts_ms", tsMs);
        if (!unchangedColumns.isEmpty()) {
            m.put("unchanged", java.util.List.copyOf(unchangedColumns));
        }
        return m;
    }

    public Builder toBuilder() {
        Builder b = new Builder().op(op).before(before).after(after).source(source).tsMs(tsMs).key(key)
                .position(position);
        unchangedColumns.forEach(b::unchangedColumn);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ChangeEvent)) {
            return false;
        }
        ChangeEvent that = (ChangeEvent) o;
        return tsMs == that.tsMs && op == that.op && Objects.equals(before, that.before)
                && Objects.equals(after, that.after) && source.equals(that.source) && key.equals(that.key)
                && unchangedColumns.equals(that.unchangedColumns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, before, after, source, tsMs, key, unchangedColumns);
    }

    @Override
    public String toString() {
        return "ChangeEvent" + toMap();
    }

    public static final class Builder {
        private Operation op;
        private Map<String, Object> before;
        private Map<String, Object> after;
        private SourceInfo source;
        private Long tsMs;
        private Map<String, Object> key;
        private Set<String> unchangedColumns; // created only for the rare row that has one
        private LogPosition position;
        private boolean ownMaps;

        private Builder() {
        }

        /**
         * The maps given to {@link #before}, {@link #after} and {@link #key} were made for this event and the caller
         * keeps no reference it could change them through: the event wraps them read-only instead of copying them
         * (a source building each row's maps, once per row). Without it they are copied.
         */
        public Builder ownMaps() {
            this.ownMaps = true;
            return this;
        }

        public Builder op(Operation op) {
            this.op = op;
            return this;
        }

        public Builder before(Map<String, Object> before) {
            this.before = before;
            return this;
        }

        public Builder after(Map<String, Object> after) {
            this.after = after;
            return this;
        }

        public Builder source(SourceInfo source) {
            this.source = source;
            return this;
        }

        public Builder tsMs(long tsMs) {
            this.tsMs = tsMs;
            return this;
        }

        public Builder key(Map<String, Object> key) {
            this.key = key;
            return this;
        }

        public Builder unchangedColumn(String column) {
            if (unchangedColumns == null) {
                unchangedColumns = new LinkedHashSet<>();
            }
            this.unchangedColumns.add(column);
            return this;
        }

        public Builder position(LogPosition position) {
            this.position = position;
            return this;
        }

        public ChangeEvent build() {
            return new ChangeEvent(this);
        }
    }
}
