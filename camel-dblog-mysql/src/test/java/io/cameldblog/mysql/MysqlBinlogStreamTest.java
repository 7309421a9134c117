package io.cameldblog.mysql;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConstants;
import io.cameldblog.core.Operation;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/** Row changes on a real MariaDB arrive as exchanges with the right op, table, key, images and order. */
class MysqlBinlogStreamTest {

    static SandboxMariaDb db;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.orders (id INT PRIMARY KEY, sku VARCHAR(20) NOT NULL, qty INT UNSIGNED,"
                                           + " price DECIMAL(10,2), created DATETIME(6))",
                "CREATE TABLE shop.customers (id BIGINT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(50))",
                "CREATE TABLE shop.audit (id INT PRIMARY KEY AUTO_INCREMENT, note TEXT)");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    static String uri(String name, String options) {
        return uri(name, options, db);
    }

    static String uri(String name, String options, SandboxMariaDb db) {
        return "mysqlbinlog:" + name + "?host=" + db.host() + "&port=" + db.port() + "&username=" + SandboxMariaDb.USER
               + "&password=" + SandboxMariaDb.PASSWORD + (options.isEmpty() ? "" : "&" + options);
    }

    @Test
    void insertsUpdatesAndDeletesArriveInOrderWithImagesAndHeaders() throws Exception {
        try (CapturingRoute route = new CapturingRoute(uri("orders", "includeTables=shop\\.orders")).start()) {
            db.executeInTransaction(
                    "INSERT INTO shop.orders VALUES (1, 'A-1', 3, 12.50, '2026-11-24 10:15:30.123456'),"
                                    + " (2, 'B-2', 4294967295, 0.01, NULL)",
                    "INSERT INTO shop.customers (name) VALUES ('not captured')",
                    "UPDATE shop.orders SET qty = qty + 1 WHERE id = 1");
            db.execute("DELETE FROM shop.orders WHERE id = 2");

            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 4);
            List<ChangeEvent> events = route.events();
            assertThat(events).extracting(ChangeEvent::op)
                    .containsExactly(Operation.INSERT, Operation.INSERT, Operation.UPDATE, Operation.DELETE);

            ChangeEvent first = events.get(0);
            assertThat(first.before()).isNull();
            assertThat(first.after()).containsExactly(Map.entry("id", 1), Map.entry("sku", "A-1"),
                    Map.entry("qty", 3L), Map.entry("price", new BigDecimal("12.50")),
                    Map.entry("created", LocalDateTime.of(2026, 11, 24, 10, 15, 30, 123_456_000)));
            assertThat(first.key()).isEqualTo(Map.of("id", 1));
            assertThat(first.source().connector()).isEqualTo("mysql");
            assertThat(first.source().name()).isEqualTo("orders");
            assertThat(first.source().db()).isEqualTo("shop");
            assertThat(first.source().table()).isEqualTo("orders");

            // unsigned INT at its maximum, never negative
            assertThat(events.get(1).after()).containsEntry("qty", 4294967295L).containsEntry("created", null);

            ChangeEvent update = events.get(2);
            assertThat(update.before()).containsEntry("qty", 3L).containsEntry("sku", "A-1");
            assertThat(update.after()).containsEntry("qty", 4L).containsEntry("sku", "A-1");

            ChangeEvent delete = events.get(3);
            assertThat(delete.after()).isNull();
            assertThat(delete.before()).containsEntry("id", 2).containsEntry("sku", "B-2");
            assertThat(delete.key()).isEqualTo(Map.of("id", 2));

            Map<String, Object> headers = route.received().get(0).headers();
            assertThat(headers).containsEntry(DbLogConstants.SOURCE, "mysql")
                    .containsEntry(DbLogConstants.DATABASE, "shop")
                    .containsEntry(DbLogConstants.TABLE, "orders")
                    .containsEntry(DbLogConstants.OPERATION, "INSERT")
                    .containsEntry(DbLogConstants.KEY, Map.of("id", 1));
            assertThat((String) headers.get(DbLogConstants.POSITION)).matches("mysql-bin\\.\\d{6}:\\d+");
            assertThat((Long) headers.get(DbLogConstants.TIMESTAMP))
                    .isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis() + 1000);

            // the three rows of the first transaction share its start and count up
            BinlogPosition p0 = (BinlogPosition) events.get(0).position();
            BinlogPosition p2 = (BinlogPosition) events.get(2).position();
            assertThat(p2.file()).isEqualTo(p0.file());
            assertThat(p2.offset()).isEqualTo(p0.offset());
            assertThat(p0.rowsDone()).isLessThan(p2.rowsDone());
            // nothing else arrived: the customers row was filtered out
            assertThat(route.received()).hasSize(4);
        }
    }

    @Test
    void excludeFilterDropsTablesAndMultiRowEventsKeepTheirOrder() throws Exception {
        try (CapturingRoute route = new CapturingRoute(uri("all", "includeTables=shop\\..*&excludeTables=shop\\.audit"))
                .start()) {
            StringBuilder values = new StringBuilder();
            for (int i = 1; i <= 300; i++) {
                values.append(i == 1 ? "" : ",").append("('c").append(i).append("')");
            }
            db.executeInTransaction("INSERT INTO shop.audit (note) VALUES ('skipped')",
                    "INSERT INTO shop.customers (name) VALUES " + values);
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 300);
            List<ChangeEvent> events = route.events();
            assertThat(events).allSatisfy(e -> assertThat(e.source().table()).isEqualTo("customers"));
            for (int i = 0; i < 300; i++) {
                assertThat(events.get(i).after()).containsEntry("name", "c" + (i + 1));
            }
            assertThat(events.get(0).after().get("id")).isInstanceOf(Long.class);
        }
    }

    @Test
    void binlogRotationIsFollowedWithoutLoss() throws Exception {
        db.execute("CREATE TABLE shop.rotated (id INT PRIMARY KEY)");
        try (CapturingRoute route = new CapturingRoute(uri("rotation", "includeTables=shop\\.rotated")).start()) {
            db.execute("INSERT INTO shop.rotated VALUES (1), (2)", "FLUSH BINARY LOGS", "INSERT INTO shop.rotated VALUES (3)",
                    "FLUSH BINARY LOGS");
            db.executeInTransaction("INSERT INTO shop.rotated VALUES (4)", "INSERT INTO shop.rotated VALUES (5)");

            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 5);
            List<ChangeEvent> events = route.events();
            assertThat(events).extracting(e -> e.after().get("id")).containsExactly(1, 2, 3, 4, 5);
            String firstFile = ((BinlogPosition) events.get(0).position()).file();
            String thirdFile = ((BinlogPosition) events.get(2).position()).file();
            String lastFile = ((BinlogPosition) events.get(4).position()).file();
            assertThat(thirdFile).isGreaterThan(firstFile);
            assertThat(lastFile).isGreaterThan(thirdFile);
            assertThat(events.get(4).source().position()).startsWith(lastFile + ":");
        }
    }

    @Test
    void columnsAddedMidStreamCarryTheirNames() throws Exception {
        addColumnMidStream("altered_full");
    }

    /** Without column names in the binlog, the names come from information_schema, re-read after the ALTER. */
    @Test
    void columnsAddedMidStreamCarryTheirNamesFromTheCatalogue() throws Exception {
        db.execute("SET GLOBAL binlog_row_metadata = 'MINIMAL'");
        try {
            addColumnMidStream("altered_minimal");
        } finally {
            db.execute("SET GLOBAL binlog_row_metadata = 'FULL'");
        }
    }

    private void addColumnMidStream(String table) throws Exception {
        db.execute("CREATE TABLE shop." + table + " (id INT PRIMARY KEY, status ENUM('new','paid'))");
        try (CapturingRoute route = new CapturingRoute(uri(table, "includeTables=shop\\." + table)).start()) {
            db.execute("INSERT INTO shop." + table + " VALUES (1, 'new')");
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 1);

            db.execute("ALTER TABLE shop." + table + " ADD COLUMN note VARCHAR(20) AFTER id",
                    "INSERT INTO shop." + table + " VALUES (2, 'second', 'paid')",
                    "UPDATE shop." + table + " SET status = 'paid', note = 'first' WHERE id = 1");
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 3);

            List<ChangeEvent> events = route.events();
            assertThat(events.get(0).after()).containsExactly(Map.entry("id", 1), Map.entry("status", "new"));
            assertThat(events.get(1).after()).containsExactly(Map.entry("id", 2), Map.entry("note", "second"),
                    Map.entry("status", "paid"));
            assertThat(events.get(2).before()).containsExactly(entry("id", 1), entry("note", null),
                    entry("status", "new"));
            assertThat(events.get(2).after()).containsEntry("note", "first").containsEntry("status", "paid");
        }
    }

    @Test
    void startPositionReplaysFromAGivenPositionOrFromTheEarliestFile() throws Exception {
        db.execute("CREATE TABLE shop.replayed (id INT PRIMARY KEY)");
        String secondTransaction;
        try (CapturingRoute route = new CapturingRoute(uri("replay", "includeTables=shop\\.replayed")).start()) {
            db.execute("INSERT INTO shop.replayed VALUES (1)", "INSERT INTO shop.replayed VALUES (2)",
                    "INSERT INTO shop.replayed VALUES (3)");
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 3);
            secondTransaction = route.events().get(1).source().position();
        }
        try (CapturingRoute route = new CapturingRoute(
                uri("replay", "includeTables=shop\\.replayed&startPosition=" + secondTransaction)).start()) {
            db.execute("INSERT INTO shop.replayed VALUES (4)");
            await().atMost(Duration.ofSeconds(20)).until(() -> idsOf(route).contains(4));
            assertThat(idsOf(route)).containsExactly(2, 3, 4);
        }
        try (CapturingRoute route = new CapturingRoute(
                uri("replay", "includeTables=shop\\.replayed&startPosition=earliest")).start()) {
            db.execute("INSERT INTO shop.replayed VALUES (5)");
            await().atMost(Duration.ofSeconds(20)).until(() -> idsOf(route).contains(5));
            assertThat(idsOf(route)).containsExactly(1, 2, 3, 4, 5);
        }
    }

    private static List<Object> idsOf(CapturingRoute route) {
        return route.events().stream().map(e -> e.after().get("id")).toList();
    }

    @Test
    void aLostConnectionIsRetriedAndContinuesWithoutLossOrDuplicates() throws Exception {
        db.execute("CREATE TABLE shop.reconnected (id INT PRIMARY KEY)");
        try (CapturingRoute route = new CapturingRoute(
                uri("reconnect", "includeTables=shop\\.reconnected&reconnectDelay=100")).start()) {
            db.execute("INSERT INTO shop.reconnected VALUES (1)", "INSERT INTO shop.reconnected VALUES (2)");
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 2);

            // the server ends the replication connection, as on a network cut or a server restart
            List<Long> dumpThreads = new java.util.ArrayList<>();
            try (java.sql.Connection c = db.rootConnection(); java.sql.Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery(
                         "SELECT id FROM information_schema.processlist WHERE command LIKE 'Binlog Dump%'")) {
                while (rs.next()) {
                    dumpThreads.add(rs.getLong(1));
                }
            }
            assertThat(dumpThreads).isNotEmpty();
            for (long id : dumpThreads) {
                db.execute("KILL CONNECTION " + id);
            }
            db.execute("INSERT INTO shop.reconnected VALUES (3)");
            db.executeInTransaction("INSERT INTO shop.reconnected VALUES (4)", "INSERT INTO shop.reconnected VALUES (5)");

            await().atMost(Duration.ofSeconds(30)).until(() -> idsOf(route).contains(5));
            assertThat(idsOf(route)).containsExactly(1, 2, 3, 4, 5);
        }
    }
}
