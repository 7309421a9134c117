package io.cameldblog.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.Operation;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.snapshot.SnapshotChunk;
import io.cameldblog.core.snapshot.SnapshotSource;
import io.cameldblog.core.snapshot.SnapshotTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.cameldblog.postgres.PgCatalog.quote;

/**
 * Reads captured tables chunk by chunk in primary-key order for a snapshot, on an ordinary connection of its own.
 * Each chunk is one short {@code REPEATABLE READ READ ONLY} transaction: the rows, then
 * {@code pg_current_wal_lsn()} as the chunk's watermark (docs/postgres.md, "Snapshots", argues why every change the
 * rows show lies before it and every change they miss comes in the log after the reader's position). Values are
 * read in text form (no binary transfer) and converted by the {@link PgValueConverter} the log path uses, by the
 * column's type OID, so a snapshot row equals the row pgoutput would send, value types included.
 */
final class PgSnapshotSource implements SnapshotSource<PgPosition> {

    private static final Logger LOG = LoggerFactory.getLogger(PgSnapshotSource.class);
    /** How long a chunk waits for a delivered transaction to become visible before the reader starts over. */
    private static final long RACE_WAIT_SECONDS = 60;

    private final PgWalEndpoint endpoint;
    private final PgConnector connector;
    private Connection jdbc;
    private PgValueConverter values;
    private final Map<String, Shape> shapes = new HashMap<>();

    /** A table as a snapshot reads it: its columns as pgoutput publishes them, the key with each column's type. */
    private record Shape(String schema, String table, List<PgRelation.Column> columns, List<String> keyColumns,
            List<String> keyTypes, List<Integer> keyIndexes) {

        String qualified() {
            return quote(schema) + "." + quote(table);
        }
    }

    /** A table a snapshot was asked for, or was reading, does not exist (any more). */
    private static final class TableMissing extends DbLogConfigurationException {
        TableMissing(String problem, String fix) {
            super(problem, fix);
        }
    }

    PgSnapshotSource(PgWalEndpoint endpoint) {
        this.endpoint = endpoint;
        this.connector = new PgConnector(endpoint);
    }

    private Connection connection() throws SQLException {
        if (jdbc == null) {
            Connection c = connector.connectForSnapshot();
            try (Statement s = c.createStatement()) {
                // one short snapshot per chunk that never writes: no lock beyond ACCESS SHARE, no xid taken
                s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            c.setAutoCommit(false);
            jdbc = c;
            values = new PgValueConverter(new PgTypeRegistry(c));
        }
        return jdbc;
    }

    @Override
    public List<SnapshotTable> tables(List<String> names, String where) throws Exception {
        Connection c = connection();
        try {
            List<SnapshotTable> tables = new ArrayList<>();
            if (names == null) {
                for (String name : capturedTables(c)) {
                    tables.add(table(c, name, where));
                }
            } else {
                for (String name : names) {
                    tables.add(table(c, name, where));
                }
            }
            return tables;
        } finally {
            c.rollback();
        }
    }

    /**
     * Every captured table that exists now, less the signal table and what {@code snapshotTables} leaves out:
     * partitioned tables by their root (as the log names them), never a partition on its own; for pgoutput only
     * tables the publication lists (one it still lacks is added by the new-table capture, which delivers its rows).
     */
    private List<String> capturedTables(Connection c) throws SQLException {
        boolean viaRoot = PgServerChecks.serverVersion(c) >= 130_000;
        Set<String> unpublished = Set.of();
        if ("pgoutput".equals(endpoint.getPlugin())) {
            unpublished = new PublicationMembers(endpoint, viaRoot).missingTables(c).stream()
                    .map(PublicationMembers.MissingTable::display).collect(Collectors.toSet());
        }
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_class c"
                                           + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                                           + " WHERE " + Publication.publishableTables(viaRoot)
                                           + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                                           + " AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1, 2")) {
            while (rs.next()) {
                String name = rs.getString(1) + "." + rs.getString(2);
                if (endpoint.getTableFilter().matches(name) && endpoint.isSnapshotTable(name)
                        && !unpublished.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private SnapshotTable table(Connection c, String name, String where) throws SQLException {
        Shape shape = shape(c, name);
        if (shape.keyColumns().isEmpty()) {
            throw new DbLogConfigurationException(
                    "Table " + name + " has no primary key, so a snapshot cannot read it in key-ordered chunks"
                                                  + " (nor tell which log events replace which of its rows).",
                    "add a primary key (ALTER TABLE " + shape.qualified() + " ADD PRIMARY KEY (...)), or leave the"
                                                                             + " table out of the snapshot with snapshotTables (or of the request).");
        }
        if (where != null && !where.isBlank()) {
            checkCondition(c, shape, name, where);
        }
        return new SnapshotTable(name, where, shape.keyColumns());
    }

    /** A condition that is no valid SQL for the table is refused when the table is resolved, not at every chunk. */
    private static void checkCondition(Connection c, Shape shape, String name, String where) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1 FROM " + shape.qualified() + " WHERE (" + where + ") LIMIT 0").close();
        } catch (SQLException e) {
            c.rollback();
            throw new DbLogConfigurationException("The snapshot condition '" + where + "' for " + name
                                                  + " is not valid SQL for that table: " + e.getMessage(),
                    "give a condition on the table's columns, as in a WHERE clause.", e);
        }
    }

    /** The table's published columns and primary key, looked up once per table and snapshot connection. */
    private Shape shape(Connection c, String name) throws SQLException {
        Shape known = shapes.get(name);
        if (known != null) {
            return known;
        }
        int dot = name.indexOf('.');
        if (dot <= 0) {
            throw new DbLogConfigurationException("Snapshot table '" + name + "' does not name a schema.",
                    "name tables as schema.table, e.g. public.orders.");
        }
        String schema = name.substring(0, dot);
        String table = name.substring(dot + 1);
        if (!endpoint.getTableFilter().matches(name) || endpoint.isSignalTable(name)) {
            throw new DbLogConfigurationException("Snapshot table " + name + " is not captured by "
                                                  + endpoint.getEndpointBaseUri() + ", so its changes would not follow.",
                    "name a table that includeTables/excludeTables capture (and not the signal table).");
        }
        long oid;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT c.oid, c.relispartition FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                                       + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new TableMissing("Snapshot table " + name + " does not exist in database "
                                                          + endpoint.getDatabase() + ".",
                            "name an existing table as schema.table (case as in the catalogue).");
                }
                if (rs.getBoolean(2)) {
                    throw new DbLogConfigurationException("Snapshot table " + name + " is a partition; the log names"
                                                          + " its rows by the partitioned table.",
                            "name the partitioned table (its root): reading it reads every partition.");
                }
                oid = rs.getLong(1);
            }
        }
        List<PgRelation.Column> columns = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT attname, atttypid, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = ?"
                                                       + " AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new PgRelation.Column(rs.getString(1), (int) rs.getLong(2), -1, false));
                    types.put(rs.getString(1), rs.getString(3));
                }
            }
        }
        List<String> key = PgCatalog.primaryKey(c, (int) oid);
        List<String> keyTypes = new ArrayList<>();
        List<Integer> keyIndexes = new ArrayList<>();
        for (String k : key) {
            keyTypes.add(types.get(k));
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equals(k)) {
                    keyIndexes.add(i);
                }
            }
        }
        Shape shape = new Shape(schema, table, List.copyOf(columns), key, List.copyOf(keyTypes),
                List.copyOf(keyIndexes));
        shapes.put(name, shape);
        return shape;
    }

    /** A chunk as the server sent it: values in text form, the watermark and the snapshot the rows were read in. */
    private record ChunkText(Shape shape, List<String[]> rows, long watermark, String snapshot) {
    }

    @Override
    public SnapshotChunk<PgPosition> readChunk(SnapshotTable table, List<Object> afterKey, int limit,
            PgPosition current) throws Exception {
        // chunks follow each other without the replication stream being read while the database is idle
        endpoint.keepReplicationAlive();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(RACE_WAIT_SECONDS);
        ChunkText chunk;
        try {
            chunk = readText(table, afterKey, limit);
        } catch (TableMissing e) {
            // dropped while the snapshot read it: nothing is left to read, its DROP is in the log after the rows
            LOG.info("{}: table {} was dropped during its snapshot; done with it", endpoint.getEndpointBaseUri(),
                    table.name());
            return new SnapshotChunk<>(List.of(), List.of(), true, current);
        }
        long missed;
        long logged = -1;
        while ((missed = endpoint.deliveredTransactions().invisibleIn(chunk.snapshot())) >= 0) {
            // a transaction the reader already delivered was still running for this snapshot (its commit record
            // written, the process array not yet updated): these rows may predate it, so read them again
            if (System.nanoTime() - giveUp > 0) {
                throw new IllegalStateException("Transaction " + missed + " was delivered from the log but is still"
                                                + " running for new snapshots after " + RACE_WAIT_SECONDS + " s (a"
                                                + " synchronous standby not answering?): the snapshot of "
                                                + table.name() + " waits for it");
            }
            if (logged != missed) {
                LOG.info("{}: a chunk of {} was read in a snapshot that misses transaction {}, which the log already"
                         + " delivered (committed, not yet visible); reading the chunk again once it is visible",
                        endpoint.getEndpointBaseUri(), table.name(), missed);
                logged = missed;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            endpoint.keepReplicationAlive();
            chunk = readText(table, afterKey, limit);
        }
        Shape shape = chunk.shape();
        List<String[]> texts = chunk.rows();
        long watermark = chunk.watermark();
        boolean last = texts.size() <= limit;
        if (!last) {
            texts.remove(texts.size() - 1); // read one more than asked only to know whether more follow
        }
        List<ChangeEvent> rows = new ArrayList<>(texts.size());
        List<List<Object>> keys = new ArrayList<>(texts.size());
        for (String[] text : texts) {
            Map<String, Object> after = new LinkedHashMap<>();
            for (int i = 0; i < text.length; i++) {
                PgRelation.Column col = shape.columns().get(i);
                after.put(col.name(), values.fromText(col.typeOid(), text[i]));
            }
            List<Object> key = new ArrayList<>(shape.keyIndexes().size());
            Map<String, Object> keyMap = new LinkedHashMap<>();
            for (int k = 0; k < shape.keyIndexes().size(); k++) {
                int i = shape.keyIndexes().get(k);
                key.add(text[i]);
                keyMap.put(shape.keyColumns().get(k), after.get(shape.columns().get(i).name()));
            }
            keys.add(key);
            rows.add(row(shape, after, keyMap));
        }
        LOG.debug("{}: chunk of {} after {}: {} rows, watermark {} (reader at {})", endpoint.getEndpointBaseUri(),
                table.name(), afterKey, rows.size(), Lsn.format(watermark), current);
        return new SnapshotChunk<>(rows, keys, last, PgPosition.at(watermark));
    }

    /** The rows after {@code afterKey} (one more than {@code limit}), then watermark and snapshot, in one snapshot. */
    private ChunkText readText(SnapshotTable table, List<Object> afterKey, int limit) throws SQLException {
        Connection c = connection();
        Shape shape;
        List<String[]> texts = new ArrayList<>();
        try {
            shapes.remove(table.name()); // columns added or dropped since the last chunk are read as they are now
            shape = shape(c, table.name());
            try (PreparedStatement ps = c.prepareStatement(chunkQuery(shape, table.where(), afterKey != null))) {
                if (afterKey != null) {
                    for (int i = 0; i < afterKey.size(); i++) {
                        // the key's text form, cast to the column's type in the query: any key type, exact
                        ps.setString(i + 1, afterKey.get(i) == null ? null : afterKey.get(i).toString());
                    }
                }
                ps.setInt(afterKey == null ? 1 : afterKey.size() + 1, limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    int n = shape.columns().size();
                    while (rs.next()) {
                        String[] row = new String[n];
                        for (int i = 0; i < n; i++) {
                            row[i] = rs.getString(i + 1);
                        }
                        texts.add(row);
                    }
                }
            } catch (SQLException e) {
                if ("42P01".equals(e.getSQLState())) {
                    throw new TableMissing("Snapshot table " + table.name() + " was dropped.", "nothing to do.");
                }
                if (table.where() != null && String.valueOf(e.getSQLState()).startsWith("42")) {
                    throw new DbLogConfigurationException("The snapshot condition '" + table.where() + "' for "
                                                          + table.name() + " is not valid SQL for that table: " + e.getMessage(),
                            "give a condition on the table's columns, as in a WHERE clause.", e);
                }
                throw e;
            }
            // after the rows, in the same snapshot: every transaction the rows show committed before this point
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text, txid_current_snapshot()::text")) {
                rs.next();
                return new ChunkText(shape, texts, Lsn.parse(rs.getString(1)), rs.getString(2));
            }
        } finally {
            c.rollback();
        }
    }

    private ChangeEvent row(Shape shape, Map<String, Object> after, Map<String, Object> key) {
        SourceInfo source = endpoint.source(shape.schema(), shape.table(), System.currentTimeMillis()).build();
        return ChangeEvent.builder().op(Operation.READ).after(after).source(source).key(key).build();
    }

    /**
     * {@code SELECT cols FROM t WHERE (k1, k2) > (?::type1, ?::type2) AND (where) ORDER BY k1, k2 LIMIT ?}: the
     * row comparison and the order use the key columns' own btree order (and collation: a cast parameter takes the
     * column's), so the primary key's index serves both.
     */
    private static String chunkQuery(Shape shape, String where, boolean after) {
        List<String> columns = new ArrayList<>();
        for (PgRelation.Column c : shape.columns()) {
            columns.add(quote(c.name()));
        }
        List<String> keys = new ArrayList<>();
        List<String> params = new ArrayList<>();
        for (int i = 0; i < shape.keyColumns().size(); i++) {
            keys.add(quote(shape.keyColumns().get(i)));
            params.add("?::" + shape.keyTypes().get(i));
        }
        List<String> conditions = new ArrayList<>();
        if (after) {
            conditions.add("(" + String.join(", ", keys) + ") > (" + String.join(", ", params) + ")");
        }
        if (where != null) {
            conditions.add("(" + where + ")");
        }
        return "SELECT " + (columns.isEmpty() ? "1" : String.join(", ", columns)) + " FROM " + shape.qualified()
               + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
               + " ORDER BY " + String.join(", ", keys) + " LIMIT ?";
    }

    @Override
    public boolean reached(PgPosition current, PgPosition watermark) {
        return Long.compareUnsigned(current.lsn(), watermark.lsn()) >= 0;
    }

    @Override
    public void close() {
        Connection c = jdbc;
        jdbc = null;
        shapes.clear();
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("Closing the snapshot connection failed", e);
            }
        }
    }
}
