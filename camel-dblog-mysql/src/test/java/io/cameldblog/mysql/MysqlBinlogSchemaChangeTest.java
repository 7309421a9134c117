package io.cameldblog.mysql;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cameldblog.core.consumer.DbLogConsumer;
import io.cameldblog.core.testing.CapturedLog;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a server with {@code binlog_row_metadata=MINIMAL} the binlog does not name columns, so rows are read against
 * the table as information_schema describes it now. Replaying events written before an ALTER TABLE that changed a
 * column's type or position stops the stream with an error naming the table, the column, both types and the
 * fix; no event goes out with values under the wrong names. From a position after the ALTER the rows arrive.
 * The server's setting is named in a warning once per endpoint.
 */
class MysqlBinlogSchemaChangeTest {

    static SandboxMariaDb db;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start(List.of("--binlog-row-metadata=MINIMAL"));
        db.execute("CREATE DATABASE shop");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    @Test
    void aReorderedColumnStopsTheReplayOfOlderEventsWithTheColumnAndBothTypes() throws Exception {
        db.execute("CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(10,2))");
        String beforeAlter = currentPosition();
        db.execute("INSERT INTO shop.items VALUES (1, 'pen', 1.50)",
                "ALTER TABLE shop.items MODIFY price DECIMAL(10,2) AFTER id");
        String afterAlter = currentPosition();
        db.execute("INSERT INTO shop.items VALUES (2, 3.00, 'ink')");

        String error = replayFails("items", beforeAlter);
        assertThat(error).contains("shop.items", "column 2", "`price`", "VARCHAR/VARBINARY of up to 80 bytes",
                "decimal(10,2)", "binlog_row_metadata is not FULL", "Fix: set binlog_row_metadata=FULL",
                "start from a position after the ALTER TABLE");

        try (CapturingRoute route = new CapturingRoute(uri("items", afterAlter)).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 1);
            assertThat(route.events().get(0).after()).containsExactly(Map.entry("id", 2),
                    Map.entry("price", new BigDecimal("3.00")), Map.entry("name", "ink"));
        }
    }

    @Test
    void aChangedColumnTypeStopsTheReplayOfOlderEvents() throws Exception {
        db.execute("CREATE TABLE shop.stock (id INT PRIMARY KEY, qty INT, note VARCHAR(10))");
        String beforeAlter = currentPosition();
        db.execute("INSERT INTO shop.stock VALUES (1, 5, 'x')", "ALTER TABLE shop.stock MODIFY qty BIGINT");

        assertThat(replayFails("stock", beforeAlter)).contains("shop.stock", "column 2", "`qty`", "has INT but",
                "bigint(20)", "Fix: set binlog_row_metadata=FULL");
    }

    @Test
    void anAddedColumnStopsTheReplayOfOlderEvents() throws Exception {
        db.execute("CREATE TABLE shop.notes (id INT PRIMARY KEY, body TEXT)");
        String beforeAlter = currentPosition();
        db.execute("INSERT INTO shop.notes VALUES (1, 'hello')",
                "ALTER TABLE shop.notes ADD COLUMN author VARCHAR(20) AFTER id");

        assertThat(replayFails("notes", beforeAlter)).contains("shop.notes", "has 2 columns", "but 3",
                "Fix: set binlog_row_metadata=FULL");
    }

    @Test
    void theMetadataWarningIsLoggedOnceThoughEveryReconnectChecksTheServer() throws Exception {
        db.execute("CREATE TABLE shop.pings (id INT PRIMARY KEY)");
        try (CapturedLog log = CapturedLog.everything();
             CapturingRoute route = new CapturingRoute(MysqlBinlogStreamTest.uri("pings",
                     "includeTables=shop\\.pings&reconnectDelay=100", db)).start()) {
            db.execute("INSERT INTO shop.pings VALUES (1)");
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 1);
            killReplicationConnections();
            db.execute("INSERT INTO shop.pings VALUES (2)");
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 2);

            assertThat(log.messages()).anyMatch(m -> m.contains("pings") && m.contains("reconnected"));
            assertThat(log.messages()).filteredOn(m -> m.contains("binlog_row_metadata=MINIMAL")).hasSize(1)
                    .allMatch(m -> m.contains("Set binlog_row_metadata=FULL"));
        }
    }

    private static void killReplicationConnections() throws SQLException {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST"
                                               + " WHERE COMMAND LIKE 'Binlog Dump%'")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            assertThat(ids).isNotEmpty();
            for (long id : ids) {
                s.execute("KILL CONNECTION " + id);
            }
        }
    }

    /** Starts a route on {@code table} from {@code position}; it must fail and emit nothing. */
    private static String replayFails(String table, String position) throws Exception {
        try (CapturingRoute route = new CapturingRoute(uri(table, position)).start()) {
            DbLogConsumer<?> consumer = (DbLogConsumer<?>) route.context().getRoute("capture").getConsumer();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.getLastError() != null);
            assertThat(route.received()).isEmpty();
            return consumer.getLastError().getMessage();
        }
    }

    private static String uri(String table, String position) {
        return MysqlBinlogStreamTest.uri(table, "includeTables=shop\\." + table + "&startPosition=" + position
                                                + "&reconnectDelay=30000", db);
    }

    private static String currentPosition() throws SQLException {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW BINLOG STATUS")) {
            rs.next();
            return rs.getString(1) + ":" + rs.getLong(2);
        }
    }
}
