package io.cameldblog.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code source} block of the envelope: where an event was read.
 * <p>
 * {@code schema} is set for PostgreSQL only; {@link #qualifiedTable()} gives the name the
 * {@code CamelDbLogTable} header and the table filters use. {@code extra} holds source-specific fields
 * (binlog file and row, GTID, LSN, transaction id, ...) that are written into the JSON {@code source} block
 * after the common ones, in insertion order.
 */
public final class SourceInfo {

    private final String connector;
    private final String name;
    private final String db;
    private final String schema;
    private final String table;
    private final long tsMs;
    private final String position;
    private final Map<String, Object> extra;

    private SourceInfo(Builder b) {
        this.connector = Objects.requireNonNull(b.connector, "connector");
        this.name = b.name;
        this.db = b.db;
        this.schema = b.schema;
        this.table = b.table;
        this.tsMs = b.tsMs;
        this.position = b.position;
        // the builder is spent by build(): its fields are handed over, not copied (once per row)
        this.extra = b.extra.isEmpty() ? Map.of() : b.extra;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code mysql}, {@code postgres} or {@code mongodb}. */
    public String connector() {
        return connector;
    }

    /** The endpoint's logical name ({@code shop} in {@code mysqlbinlog:shop}). */
    public String name() {
        return name;
    }

    public String db() {
        return db;
    }

    public String schema() {
        return schema;
    }

    public String table() {
        return table;
    }

    /** {@code schema.table} when the source has schemas (PostgreSQL), else the bare table or collection. */
    public String qualifiedTable() {
        if (table == null) {
            return null;
        }
        return schema != null ? schema + "." + table : table;
    }

    /** Commit time at the source, epoch milliseconds. */
    public long tsMs() {
        return tsMs;
    }

    /** The event's position in the source's text form. */
    public String position() {
        return position;
    }

    public Map<String, Object> extra() {
        return extra;
    }

    public Builder toBuilder() {
        Builder b = new Builder().connector(connector).name(name).db(db).schema(schema).table(table).tsMs(tsMs)
                .position(position);
        extra.forEach(b::extra);
        return b;
    }

    /** The JSON {@code source} block as an ordered map (null fields left out, except {@code table}). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connector", connector);
        m.put("name", name);
        m.put("db", db);
        if (schema != null) {
            m.put("schema", schema);
        }
        m.put("table", table);
        m.put("ts_ms", tsMs);
        m.put("position", position);
        m.putAll(extra);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SourceInfo)) {
            return false;
        }
        SourceInfo that = (SourceInfo) o;
        return tsMs == that.tsMs && connector.equals(that.connector) && Objects.equals(name, that.name)
                && Objects.equals(db, that.db) && Objects.equals(schema, that.schema)
                && Objects.equals(table, that.table) && Objects.equals(position, that.position)
                && extra.equals(that.extra);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connector, name, db, schema, table, tsMs, position, extra);
    }

    @Override
    public String toString() {
        return toMap().toString();
    }

    public static final class Builder {
        private String connector;
        private String name;
        private String db;
        private String schema;
        private String table;
        private long tsMs;
        private String position;
        private final SourceExtras extra = new SourceExtras();
        private boolean built;

        private Builder() {
        }

        public Builder connector(String connector) {
            this.connector = connector;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder db(String db) {
            this.db = db;
            return this;
        }

        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        public Builder table(String table) {
            this.table = table;
            return this;
        }

        public Builder tsMs(long tsMs) {
            this.tsMs = tsMs;
            return this;
        }

        public Builder position(String position) {
            this.position = position;
            return this;
        }

        /** A source-specific field of the {@code source} block; a null value is left out. */
        public Builder extra(String key, Object value) {
            if (built) {
                throw new IllegalStateException("this SourceInfo builder was already built");
            }
            if (value != null) {
                extra.add(key, value);
            }
            return this;
        }

        public SourceInfo build() {
            if (built) {
                throw new IllegalStateException("this SourceInfo builder was already built");
            }
            built = true;
            return new SourceInfo(this);
        }
    }
}
