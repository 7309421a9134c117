package io.cameldblog.mysql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A row read by a snapshot equals the same row read from the binlog, value by value and Java type by Java type,
 * for every type the types test covers (and the edge values: zero dates, year 0, negative TIME, a FLOAT the
 * server prints with six digits, TIMESTAMP written in another time zone); and tables keyed by each kind of primary
 * key are read completely, once, in chunks of two rows.
 */
class MysqlBinlogSnapshotTypesTest {

    static SandboxMariaDb db;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE t",
                // sessions (the snapshot's too, unless it sets its own) in a zone that is not UTC
                "SET GLOBAL time_zone = '+03:00'",
                "CREATE TABLE t.types (id INT PRIMARY KEY,"
                                      + " i8 TINYINT, u8 TINYINT UNSIGNED, u16 SMALLINT UNSIGNED, u24 MEDIUMINT UNSIGNED,"
                                      + " i32 INT, u32 INT UNSIGNED, i64 BIGINT, u64 BIGINT UNSIGNED,"
                                      + " dec30 DECIMAL(30,10), f FLOAT, d DOUBLE, b1 BIT(1), b12 BIT(12),"
                                      + " c5 CHAR(5) CHARACTER SET utf8mb4, vlatin VARCHAR(20) CHARACTER SET latin1,"
                                      + " bin4 BINARY(4), vbin VARBINARY(8), bl BLOB, tx TEXT, mtx MEDIUMTEXT,"
                                      + " j JSON, e ENUM('small','medium','large'), s SET('red','green','blue'),"
                                      + " dt DATE, tm TIME(6), tmlong TIME, dtm DATETIME(6), ts TIMESTAMP(6) NULL, y YEAR,"
                                      + " uy INT UNSIGNED)",
                "CREATE TABLE t.k_unsigned (id BIGINT UNSIGNED PRIMARY KEY, v INT)",
                "CREATE TABLE t.k_decimal (id DECIMAL(30,10) PRIMARY KEY, v INT)",
                "CREATE TABLE t.k_text (id VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci PRIMARY KEY,"
                                                                                       + " v INT)",
                "CREATE TABLE t.k_binary (id VARBINARY(8) PRIMARY KEY, v INT)",
                "CREATE TABLE t.k_datetime (id DATETIME(6) PRIMARY KEY, v INT)",
                "CREATE TABLE t.k_composite (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b))",
                // ordered by their number, not their text
                "CREATE TABLE t.k_enum (id ENUM('zeta', 'alpha', 'mid') PRIMARY KEY, v INT)",
                "CREATE TABLE t.k_set (id SET('x', 'y', 'z') PRIMARY KEY, v INT)",
                "CREATE TABLE t.k_bit (id BIT(12) PRIMARY KEY, v INT)");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    private static final List<String> ROWS = List.of(
            "INSERT INTO t.types VALUES (1, -128, 255, 65535, 16777215, -2147483648, 4294967295,"
            + " -9223372036854775808, 18446744073709551615, 12345678901234567890.0123456789, 1.5, 2.25,"
            + " b'1', b'101000000001', 'a😀', 'café', X'0102', X'00FF10', X'DEADBEEF', 'text ✓',"
            + " REPEAT('m', 70000), '{\"a\": [1, 2.5, \"x\"], \"big\": 12345678901234567890}',"
            + " 'medium', 'red,blue', '2026-11-24', '10:15:30.123456', '-838:59:59',"
            + " '2026-11-24 10:15:30.123456', '2026-11-24 10:15:30.654321', 2026, 4294967295)",
            "INSERT INTO t.types VALUES (2, 0, 0, 0, 0, 0, 0, 0, 0, -0.0000000001, 1.23456789, 0.30000000000000004,"
            + " b'0', b'000000000001', '', '', X'', X'', X'', '', '', '[]', '', '', '0000-00-00', '-00:00:01.5',"
            + " '00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', 0, 0)",
            "INSERT INTO t.types VALUES (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            + " NULL)",
            "INSERT INTO t.types (id, dt, dtm, ts, tm, y, f, d) VALUES (4, '2024-02-31', '2024-00-15 10:11:12',"
            + " '1970-01-01 00:00:01', '838:59:59', 1901, -3.4028235e38, -1.7976931348623157e308)",
            "INSERT INTO t.k_unsigned VALUES (0, 1), (1, 2), (9223372036854775807, 3), (9223372036854775808, 4),"
            + " (18446744073709551614, 5), (18446744073709551615, 6)",
            "INSERT INTO t.k_decimal VALUES (-99999999999999999999.9999999999, 1), (-0.0000000001, 2), (0, 3),"
            + " (0.0000000001, 4), (12345678901234567890.0123456789, 5)",
            "INSERT INTO t.k_text VALUES ('a', 1), ('B', 2), ('c', 3), ('D', 4), ('é', 5), ('z', 6), ('Ω', 7),"
            + " ('😀', 8)",
            "INSERT INTO t.k_binary VALUES (X'', 1), (X'00', 2), (X'0000', 3), (X'01', 4), (X'7F', 5), (X'80', 6),"
            + " (X'FF', 7), (X'FFFF', 8)",
            "INSERT INTO t.k_datetime VALUES ('1000-01-01 00:00:00', 1), ('1970-01-01 00:00:00.000001', 2),"
            + " ('2026-11-24 10:15:30', 3), ('2026-11-24 10:15:30.5', 4), ('9999-12-31 23:59:59.999999', 5)",
            "INSERT INTO t.k_composite VALUES (1, 'a', 1), (1, 'b', 2), (1, 'c', 3), (2, 'A', 4), (2, 'b', 5),"
            + " (3, '', 6), (3, 'x', 7)",
            "INSERT INTO t.k_enum VALUES ('mid', 3), ('zeta', 1), ('alpha', 2)",
            "INSERT INTO t.k_set VALUES ('z', 5), ('', 1), ('x,y', 4), ('y', 3), ('x', 2)",
            "INSERT INTO t.k_bit VALUES (b'0', 1), (b'1', 2), (b'100000000000', 3), (b'111111111111', 4)");

    @Test
    void snapshotRowsEqualLogRowsForEveryTypeAndEveryKeyKind() throws Exception {
        List<ChangeEvent> logged;
        try (CapturingRoute log = new CapturingRoute(MysqlBinlogStreamTest.uri("types-log", "includeTables=t\\..*",
                db)).start()) {
            List<String> statements = new ArrayList<>(List.of("SET SESSION sql_mode = 'ALLOW_INVALID_DATES'",
                    "SET SESSION time_zone = '-07:00'"));
            statements.addAll(ROWS);
            db.execute(statements.toArray(String[]::new));
            await().atMost(Duration.ofSeconds(30)).until(() -> log.received().size() >= 4 + 6 + 5 + 8 + 8 + 5 + 7 + 3 + 5 + 4);
            logged = log.events();
        }
        List<ChangeEvent> read;
        try (CapturingRoute snapshot = new CapturingRoute(MysqlBinlogStreamTest.uri("types-snapshot",
                "includeTables=t\\..*&snapshotMode=initial_only&snapshotChunkSize=2", db)).start()) {
            // initial_only: the route stops itself once every table is read
            await().atMost(Duration.ofSeconds(30)).until(() -> snapshot.context().getRouteController()
                    .getRouteStatus("capture").isStopped());
            read = snapshot.events();
        }
        assertThat(read).allSatisfy(e -> {
            assertThat(e.op()).isEqualTo(Operation.READ);
            assertThat(e.before()).isNull();
        });
        Map<String, Map<String, Object>> fromLog = byTableAndKey(logged);
        Map<String, Map<String, Object>> fromSnapshot = byTableAndKey(read);
        assertThat(new TreeSet<>(fromSnapshot.keySet())).as("rows read, each once").hasSize(read.size())
                .isEqualTo(new TreeSet<>(fromLog.keySet()));
        List<String> differences = new ArrayList<>();
        fromLog.forEach((key, row) -> differences.addAll(differences(key, row, fromSnapshot.get(key))));
        assertThat(differences).isEmpty();
        // keys in each table's primary-key order, the last row marked
        assertThat(read.stream().filter(e -> "last".equals(e.source().extra().get("snapshot"))).count()).isEqualTo(10);
        assertThat(read.stream().filter(e -> e.source().table().equals("k_enum")).map(e -> e.after().get("id")))
                .containsExactly("zeta", "alpha", "mid");
        assertThat(read.stream().filter(e -> e.source().table().equals("k_text")).map(e -> e.after().get("id")))
                .containsExactly("a", "B", "c", "D", "é", "z", "Ω", "😀");
    }

    private static Map<String, Map<String, Object>> byTableAndKey(List<ChangeEvent> events) {
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        for (ChangeEvent e : events) {
            List<String> key = new ArrayList<>();
            e.key().values().forEach(v -> key.add(v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v)));
            rows.put(e.source().table() + key, e.after());
        }
        return rows;
    }

    /** Every column whose value or Java type differs. */
    private static List<String> differences(String row, Map<String, Object> log, Map<String, Object> snapshot) {
        List<String> diff = new ArrayList<>();
        if (!log.keySet().equals(snapshot.keySet())) {
            diff.add(row + ": columns " + log.keySet() + " from the log, " + snapshot.keySet() + " from the snapshot");
            return diff;
        }
        for (String column : log.keySet()) {
            Object a = log.get(column);
            Object b = snapshot.get(column);
            boolean same = a == null ? b == null
                    : b != null && a.getClass() == b.getClass()
                      && (a instanceof byte[] x ? Arrays.equals(x, (byte[]) b) : a.equals(b));
            if (!same) {
                diff.add(row + "." + column + ": log " + describe(a) + ", snapshot " + describe(b));
            }
        }
        return diff;
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String text = v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v);
        return (text.length() > 60 ? text.substring(0, 60) + "..." : text) + " (" + v.getClass().getSimpleName() + ")";
    }
}
