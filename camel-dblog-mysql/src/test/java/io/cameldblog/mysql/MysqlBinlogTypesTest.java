package io.cameldblog.mysql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.json.ChangeEventJson;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each column type arrives as the value the column holds, with the Java type docs/events.md promises, read from
 * a real MariaDB binlog (where the binlog client's default decoding is lossy).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MysqlBinlogTypesTest {

    SandboxMariaDb db;

    /** Server options beyond the sandbox's defaults, which log full row metadata. */
    List<String> serverOptions() {
        return List.of();
    }

    @BeforeAll
    void startServer() {
        db = SandboxMariaDb.start(serverOptions());
        db.execute("CREATE DATABASE t",
                "CREATE TABLE t.types (id INT PRIMARY KEY,"
                                      + " i8 TINYINT, u8 TINYINT UNSIGNED, u16 SMALLINT UNSIGNED, u24 MEDIUMINT UNSIGNED,"
                                      + " i32 INT, u32 INT UNSIGNED, i64 BIGINT, u64 BIGINT UNSIGNED,"
                                      + " dec30 DECIMAL(30,10), f FLOAT, d DOUBLE, b1 BIT(1), b12 BIT(12),"
                                      + " c5 CHAR(5) CHARACTER SET utf8mb4, vlatin VARCHAR(20) CHARACTER SET latin1,"
                                      + " bin4 BINARY(4), vbin VARBINARY(8), bl BLOB, tx TEXT, mtx MEDIUMTEXT,"
                                      + " j JSON, e ENUM('small','medium','large'), s SET('red','green','blue'),"
                                      + " dt DATE, tm TIME(6), tmlong TIME, dtm DATETIME(6), ts TIMESTAMP(6) NULL, y YEAR,"
                                      + " uy INT UNSIGNED)",
                "CREATE TABLE t.dates (id INT PRIMARY KEY, d DATE, dt DATETIME, dt6 DATETIME(6), ts TIMESTAMP NULL,"
                                      + " ts3 TIMESTAMP(3) NULL)",
                "SET GLOBAL time_zone = '+00:00'");
    }

    @AfterAll
    void stopServer() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void everyTypeArrivesWithItsValueAndJavaType() throws Exception {
        try (CapturingRoute route = new CapturingRoute(MysqlBinlogStreamTest.uri("types", "includeTables=t\\.types",
                db)).start()) {
            db.execute("INSERT INTO t.types VALUES (1, -128, 255, 65535, 16777215, -2147483648, 4294967295,"
                       + " -9223372036854775808, 18446744073709551615, 12345678901234567890.0123456789, 1.5, 2.25,"
                       + " b'1', b'101000000001', 'a😀', 'café', X'0102', X'00FF10', X'DEADBEEF', 'text ✓',"
                       + " REPEAT('m', 70000), '{\"a\": [1, 2.5, \"x\"], \"big\": 12345678901234567890}',"
                       + " 'medium', 'red,blue', '2026-11-24', '10:15:30.123456', '-838:59:59',"
                       + " '2026-11-24 10:15:30.123456', '2026-11-24 10:15:30.654321', 2026, 4294967295)");
            db.execute("UPDATE t.types SET u64 = 0, e = 'large', s = '', j = '[]' WHERE id = 1");

            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 2);
            Map<String, Object> row = route.events().get(0).after();

            assertThat(row.get("i8")).isEqualTo(-128);
            assertThat(row.get("u8")).isEqualTo(255);
            assertThat(row.get("u16")).isEqualTo(65535);
            assertThat(row.get("u24")).isEqualTo(16777215);
            assertThat(row.get("i32")).isEqualTo(Integer.MIN_VALUE);
            assertThat(row.get("u32")).isEqualTo(4294967295L);
            assertThat(row.get("i64")).isEqualTo(Long.MIN_VALUE);
            assertThat(row.get("u64")).isEqualTo(new BigInteger("18446744073709551615"));
            assertThat(row.get("dec30")).isEqualTo(new BigDecimal("12345678901234567890.0123456789"));
            assertThat(row.get("f")).isEqualTo(1.5f);
            assertThat(row.get("d")).isEqualTo(2.25d);
            assertThat(row.get("b1")).isEqualTo(true);
            assertThat((byte[]) row.get("b12")).containsExactly(0x0A, 0x01);
            assertThat(row.get("c5")).isEqualTo("a😀");
            assertThat(row.get("vlatin")).isEqualTo("café");
            assertThat((byte[]) row.get("bin4")).containsExactly(1, 2, 0, 0);
            assertThat((byte[]) row.get("vbin")).containsExactly(0x00, 0xFF, 0x10);
            assertThat((byte[]) row.get("bl")).containsExactly(0xDE, 0xAD, 0xBE, 0xEF);
            assertThat(row.get("tx")).isEqualTo("text ✓");
            assertThat((String) row.get("mtx")).hasSize(70000);
            assertThat(row.get("j")).isEqualTo(Map.of("a", List.of(1, new BigDecimal("2.5"), "x"), "big",
                    new BigInteger("12345678901234567890")));
            assertThat(row.get("e")).isEqualTo("medium");
            assertThat(row.get("s")).isEqualTo(List.of("red", "blue"));
            assertThat(row.get("dt")).isEqualTo(LocalDate.of(2026, 11, 24));
            assertThat(row.get("tm")).isEqualTo(LocalTime.of(10, 15, 30, 123_456_000));
            assertThat(row.get("tmlong")).isEqualTo(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59));
            assertThat(row.get("dtm")).isEqualTo(LocalDateTime.of(2026, 11, 24, 10, 15, 30, 123_456_000));
            assertThat(row.get("ts")).isEqualTo(Instant.parse("2026-11-24T10:15:30.654321Z"));
            assertThat(row.get("y")).isEqualTo(2026);
            // a numeric column after YEAR: the signedness bits are not shifted by it
            assertThat(row.get("uy")).isEqualTo(4294967295L);

            Map<String, Object> updated = route.events().get(1).after();
            assertThat(updated.get("u64")).isEqualTo(BigInteger.ZERO);
            assertThat(updated.get("e")).isEqualTo("large");
            assertThat(updated.get("s")).isEqualTo(List.of());
            assertThat(updated.get("j")).isEqualTo(List.of());

            // the JSON envelope: exact numbers, ISO times, base64 bytes, nested JSON
            ChangeEvent insert = route.events().get(0);
            Map<String, Object> json = ChangeEventJson.parseObject(ChangeEventJson.toJson(insert));
            @SuppressWarnings("unchecked")
            Map<String, Object> after = (Map<String, Object>) json.get("after");
            assertThat(after.get("dec30")).isEqualTo(new BigDecimal("12345678901234567890.0123456789"));
            assertThat(after.get("u64")).isEqualTo(new BigInteger("18446744073709551615"));
            assertThat(after.get("dtm")).isEqualTo("2026-11-24T10:15:30.123456");
            assertThat(after.get("ts")).isEqualTo("2026-11-24T10:15:30.654321Z");
            assertThat(after.get("bl")).isEqualTo("3q2+7w==");
            assertThat(after.get("s")).isEqualTo(List.of("red", "blue"));
        }
    }
    /**
     * Under a permissive sql_mode the server stores zero dates, partly zero dates and (ALLOW_INVALID_DATES) days a
     * month does not have: none of them is a date, so each arrives as null, never as a made-up date; real dates
     * around them, also before 1582 and in year 0, arrive as stored.
     */
    @Test
    void zeroPartlyZeroAndInvalidDatesArriveAsNull() throws Exception {
        try (CapturingRoute route = new CapturingRoute(MysqlBinlogStreamTest.uri("dates", "includeTables=t\\.dates",
                db)).start()) {
            db.execute("SET SESSION sql_mode = ''", "SET SESSION time_zone = '+00:00'",
                    "INSERT INTO t.dates VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000',"
                                                    + " '0000-00-00 00:00:00', '0000-00-00 00:00:00.000')",
                    "INSERT INTO t.dates VALUES (2, '2024-00-15', '2024-05-00 10:11:12', '2024-00-00 10:11:12.123456',"
                                                    + " '2024-00-15 10:11:12', '2024-05-00 10:11:12.500')",
                    "SET SESSION sql_mode = 'ALLOW_INVALID_DATES'",
                    "INSERT INTO t.dates VALUES (3, '2024-02-31', '2023-02-29 23:59:59', '2024-04-31 00:00:00.000001',"
                                                    + " NULL, NULL)",
                    "INSERT INTO t.dates VALUES (4, '1582-10-10', '1000-01-01 00:00:00', '0000-01-01 12:00:00.250000',"
                                                    + " '1970-01-01 00:00:01', '2038-01-19 03:14:07.999')");

            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 4);
            List<ChangeEvent> events = route.events();
            for (int row = 0; row < 3; row++) {
                assertThat(events.get(row).after()).as("row %d", row + 1)
                        .containsEntry("d", null).containsEntry("dt", null).containsEntry("dt6", null)
                        .containsEntry("ts", null).containsEntry("ts3", null);
            }
            assertThat(events.get(3).after())
                    .containsEntry("d", LocalDate.of(1582, 10, 10))
                    .containsEntry("dt", LocalDateTime.of(1000, 1, 1, 0, 0))
                    .containsEntry("dt6", LocalDateTime.of(0, 1, 1, 12, 0, 0, 250_000_000))
                    .containsEntry("ts", Instant.parse("1970-01-01T00:00:01Z"))
                    .containsEntry("ts3", Instant.parse("2038-01-19T03:14:07.999Z"));
            assertThat(ChangeEventJson.toJson(events.get(0))).contains("\"d\":null", "\"ts3\":null")
                    .doesNotContain("-290308");
        }
    }
}
