package io.cameldblog.mysql;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.Operation;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.TableFilter;
import io.cameldblog.core.snapshot.SnapshotChunk;
import io.cameldblog.core.snapshot.SnapshotSource;
import io.cameldblog.core.snapshot.SnapshotTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads MySQL / MariaDB tables for a snapshot on a connection of its own: each chunk is one short read-only
 * transaction opened {@code WITH CONSISTENT SNAPSHOT} (no lock), {@code SELECT ... WHERE key > last ORDER BY key
 * LIMIT n + 1}, and the binlog position that snapshot is consistent with as the watermark (see
 * {@link SnapshotWatermark}).
 */
final class MysqlSnapshotSource implements SnapshotSource<BinlogPosition> {

    private static final Logger LOG = LoggerFactory.getLogger(MysqlSnapshotSource.class);
    private static final List<String> SYSTEM_DATABASES = List.of("mysql", "information_schema",
            "performance_schema", "sys");
    /** Reads again after this many snapshots older than the reader before waiting a little between tries. */
    private static final int EAGER_RETRIES = 3;

    private final MysqlBinlogEndpoint endpoint;
    private final ServerConnection server;
    private final TableCatalog catalog;
    private boolean warnedNoSnapshotPosition;

    MysqlSnapshotSource(MysqlBinlogEndpoint endpoint) throws IOException {
        this.endpoint = endpoint;
        this.server = ServerConnection.open(endpoint);
        try {
            try (Statement s = server.jdbc().createStatement()) {
                // TIMESTAMP as text in UTC (no shift, no DST ambiguity); the consistent snapshot needs REPEATABLE READ
                s.execute("SET SESSION time_zone = '+00:00'");
                s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            }
        } catch (SQLException e) {
            server.close();
            throw new IOException("Cannot prepare the snapshot connection to " + server.address() + ": "
                                  + ServerConnection.firstLine(e), e);
        }
        this.catalog = new TableCatalog(server);
    }

    @Override
    public List<SnapshotTable> tables(List<String> names, String where) throws Exception {
        List<SnapshotTable> tables = new ArrayList<>();
        if (names == null) {
            for (String name : capturedTables()) {
                tables.add(table(name, where));
            }
        } else {
            for (String name : names) {
                tables.add(table(name, where));
            }
        }
        return tables;
    }

    private List<String> capturedTables() throws SQLException {
        TableFilter filter = endpoint.getTableFilter();
        List<String> names = new ArrayList<>();
        try (Statement s = server.jdbc().createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES"
                                           + " WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME")) {
            while (rs.next()) {
                String db = rs.getString(1);
                String table = rs.getString(2);
                if (!SYSTEM_DATABASES.contains(db.toLowerCase()) && filter.matches(db, table)
                    && !endpoint.isSignalTable(db + "." + table)) {
                    names.add(db + "." + table);
                }
            }
        }
        return names;
    }

    private SnapshotTable table(String name, String where) throws SQLException {
        int dot = name.indexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            throw new DbLogConfigurationException("Snapshot table '" + name + "' is not a db.table name.",
                    "name tables as db.table, e.g. shop.orders.");
        }
        String db = name.substring(0, dot);
        String table = name.substring(dot + 1);
        catalog.invalidate(db, table);
        CatalogTable t = catalog.table(db, table);
        if (t.columns().isEmpty()) {
            throw new DbLogConfigurationException("Snapshot table " + name + " does not exist (or user '"
                                                  + endpoint.getUsername() + "' may not see it).",
                    "name an existing table as db.table, and GRANT SELECT ON " + db + ".* TO '"
                                                                                  + endpoint.getUsername() + "'@'<host>';");
        }
        if (!endpoint.getTableFilter().matches(db, table)) {
            throw new DbLogConfigurationException("Snapshot table " + name + " is not captured by mysqlbinlog:"
                                                  + endpoint.getName() + " (includeTables/excludeTables).",
                    "add it to includeTables, or ask for a table the endpoint captures.");
        }
        if (t.primaryKey().isEmpty()) {
            throw new DbLogConfigurationException("Table " + name + " has no primary key: a snapshot reads tables in"
                                                  + " primary-key chunks and matches log events to its rows by key.",
                    "add a primary key (ALTER TABLE " + name + " ADD PRIMARY KEY (...)), or leave the table out of"
                                                                                     + " the snapshot (snapshotTables) or of the endpoint (excludeTables).");
        }
        return new SnapshotTable(db + "." + table, where, t.primaryKey());
    }

    @Override
    public SnapshotChunk<BinlogPosition> readChunk(SnapshotTable table, List<Object> afterKey, int limit,
            BinlogPosition current) throws Exception {
        int dot = table.name().indexOf('.');
        String db = table.name().substring(0, dot);
        String name = table.name().substring(dot + 1);
        catalog.invalidate(db, name);
        ChunkQuery query = ChunkQuery.of(db, name, catalog.table(db, name), table, afterKey != null);
        for (int attempt = 1;; attempt++) {
            SnapshotChunk<BinlogPosition> chunk = read(query, afterKey, limit);
            if (SnapshotWatermark.compare(chunk.watermark(), current) >= 0
                || SnapshotWatermark.onlyNonTransactionEventsBetween(server.jdbc(), chunk.watermark(), current,
                        server.binlogFiles())) {
                return chunk;
            }
            // the reader delivered a transaction the snapshot does not show yet: written to the binlog, its commit
            // in the engine still under way; a new snapshot shows it in a moment
            LOG.debug("{}: snapshot at {} is older than the reader at {}; reading {} again", endpoint.getName(),
                    chunk.watermark(), current, table.name());
            if (attempt > EAGER_RETRIES) {
                Thread.sleep(Math.min(50, attempt));
            }
        }
    }

    private SnapshotChunk<BinlogPosition> read(ChunkQuery query, List<Object> afterKey, int limit)
            throws SQLException {
        Connection c = server.jdbc();
        List<ChangeEvent> rows = new ArrayList<>();
        List<List<Object>> keys = new ArrayList<>();
        boolean last = true;
        BinlogPosition watermark;
        try (Statement s = c.createStatement()) {
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
        }
        try {
            watermark = SnapshotWatermark.ofSnapshot(c);
            long tsMs = System.currentTimeMillis();
            try (PreparedStatement ps = c.prepareStatement(query.sql())) {
                int p = query.bindAfterKey(ps, afterKey);
                ps.setInt(p, limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rows.size() == limit) {
                            last = false;
                            break;
                        }
                        Map<String, Object> after = new LinkedHashMap<>();
                        List<SnapshotColumn> columns = query.columns();
                        for (int i = 0; i < columns.size(); i++) {
                            after.put(columns.get(i).name(), columns.get(i).read(rs, i + 1));
                        }
                        Map<String, Object> key = new LinkedHashMap<>();
                        List<Object> keyValues = new ArrayList<>();
                        for (int k : query.keyIndexes()) {
                            SnapshotColumn column = columns.get(k);
                            Object value = after.get(column.name());
                            key.put(column.name(), value);
                            keyValues.add(column.keyValue(value, rs, k + 1));
                        }
                        rows.add(row(query, after, key, tsMs));
                        keys.add(keyValues);
                    }
                }
            }
            if (watermark == null) {
                watermark = SnapshotWatermark.logEnd(c, server.version());
                if (!warnedNoSnapshotPosition) {
                    warnedNoSnapshotPosition = true;
                    LOG.info("{}: the server reports no binlog_snapshot_position (not MariaDB): each snapshot chunk's"
                             + " watermark is the binlog's end read after the chunk (docs/mysql.md, Snapshots)",
                            endpoint.getName());
                }
            }
        } finally {
            try (Statement s = c.createStatement()) {
                s.execute("COMMIT");
            }
        }
        return new SnapshotChunk<>(rows, keys, last, watermark);
    }

    private ChangeEvent row(ChunkQuery query, Map<String, Object> after, Map<String, Object> key, long tsMs) {
        SourceInfo source = SourceInfo.builder().connector("mysql").name(endpoint.getName()).db(query.db())
                .table(query.table()).tsMs(tsMs).build();
        return ChangeEvent.builder().op(Operation.READ).before(null).after(after).source(source).key(key).tsMs(tsMs)
                .build();
    }

    @Override
    public boolean reached(BinlogPosition current, BinlogPosition watermark) {
        return SnapshotWatermark.compare(current, watermark) >= 0;
    }

    @Override
    public void close() {
        server.close();
    }
}
