package io.cameldblog.postgres;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConstants;
import io.cameldblog.core.Operation;
import io.cameldblog.core.json.ChangeEventJson;
import io.cameldblog.sandbox.SandboxPostgres;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.cameldblog.postgres.PgTestSupport.sql;
import static io.cameldblog.postgres.PgTestSupport.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Row changes of every kind arrive through a real route with the values and Java types of docs/events.md. */
class PgWalDmlTest extends CamelTestSupport {

    private static final String DB = "shop";
    private static SandboxPostgres pg;

    private final List<Exchange> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServer() {
        pg = SandboxPostgres.start();
        pg.createDatabase(DB);
        sql(pg, DB,
                "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0)",
                "CREATE TABLE all_types (id int PRIMARY KEY, si smallint, bi bigint, num numeric(12,4), flag boolean,"
                                                                + " name text, vc varchar(20), ch char(3), data bytea, d date, t time, ts timestamp,"
                                                                + " tstz timestamptz, u uuid, j json, jb jsonb, ints int[], tags text[], m mood,"
                                                                + " f4 real, f8 double precision, pos positive_int, iv interval)",
                "CREATE TABLE items (id int PRIMARY KEY, sku text NOT NULL, qty int)",
                "CREATE TABLE items_full (id int PRIMARY KEY, sku text NOT NULL, qty int)",
                "ALTER TABLE items_full REPLICA IDENTITY FULL",
                "CREATE TABLE docs (id int PRIMARY KEY, title text, body text)",
                "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL",
                "CREATE TABLE other (id int PRIMARY KEY)");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(PgTestSupport.uri(pg, "shop", DB, "dml", "excludeTables=public\\.other&dropSlotOnStop=true"))
                        .routeId("pg").process(received::add);
            }
        };
    }

    private List<ChangeEvent> events(int n) {
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= n);
        return received.stream().map(e -> e.getMessage().getBody(ChangeEvent.class)).toList();
    }

    @Test
    void insertCarriesEveryTypeWithItsJavaValue() {
        sql(pg, DB, "INSERT INTO all_types VALUES (1, -32768, 9223372036854775807, 12345678.0100, true, 'häagen ✓',"
                    + " 'v', 'ab', '\\x00ff10', '2026-11-24', '10:15:30.123456', '2026-11-24 10:15:30.123456',"
                    + " '2026-11-24 12:15:30.654321+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
                    + " '{\"a\": [1, 2.5]}', '{\"big\": 12345678901234567890, \"s\": \"x\"}', '{1,NULL,3}',"
                    + " '{\"a b\",\"c\\\"d\",e}', 'happy', 1.5, 2.25, 7, '1 day 02:00:00')");
        ChangeEvent e = events(1).get(0);

        assertThat(e.op()).isEqualTo(Operation.INSERT);
        assertThat(e.before()).isNull();
        Map<String, Object> a = e.after();
        assertThat(a.get("id")).isEqualTo(1);
        assertThat(a.get("si")).isEqualTo(-32768);
        assertThat(a.get("bi")).isEqualTo(Long.MAX_VALUE);
        assertThat(a.get("num")).isEqualTo(new BigDecimal("12345678.0100"));
        assertThat(a.get("flag")).isEqualTo(true);
        assertThat(a.get("name")).isEqualTo("häagen ✓");
        assertThat(a.get("vc")).isEqualTo("v");
        assertThat(a.get("ch")).isEqualTo("ab ");
        assertThat((byte[]) a.get("data")).containsExactly(0x00, 0xff, 0x10);
        assertThat(a.get("d")).isEqualTo(LocalDate.of(2026, 11, 24));
        assertThat(a.get("t")).isEqualTo(LocalTime.of(10, 15, 30, 123_456_000));
        assertThat(a.get("ts")).isEqualTo(LocalDateTime.of(2026, 11, 24, 10, 15, 30, 123_456_000));
        assertThat(a.get("tstz")).isEqualTo(OffsetDateTime.of(2026, 11, 24, 10, 15, 30, 654_321_000, ZoneOffset.UTC));
        assertThat(a.get("u")).isEqualTo(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        assertThat(a.get("j")).isEqualTo(Map.of("a", List.of(1, new BigDecimal("2.5"))));
        assertThat(((Map<?, ?>) a.get("jb")).get("big")).isEqualTo(new java.math.BigInteger("12345678901234567890"));
        assertThat(a.get("ints")).isEqualTo(java.util.Arrays.asList(1, null, 3));
        assertThat(a.get("tags")).isEqualTo(List.of("a b", "c\"d", "e"));
        assertThat(a.get("m")).isEqualTo("happy");
        assertThat(a.get("f4")).isEqualTo(1.5f);
        assertThat(a.get("f8")).isEqualTo(2.25d);
        assertThat(a.get("pos")).isEqualTo(7);
        assertThat(a.get("iv")).isEqualTo("1 day 02:00:00");
        assertThat(e.key()).isEqualTo(Map.of("id", 1));

        String json = ChangeEventJson.toJson(e);
        assertThat(json).contains("\"num\":12345678.0100", "\"tstz\":\"2026-11-24T10:15:30.654321Z\"",
                "\"data\":\"AP8Q\"", "\"connector\":\"postgres\"", "\"schema\":\"public\"", "\"table\":\"all_types\"");
    }

    @Test
    void specialValuesWithoutAnExactJavaValueArriveInsteadOfStoppingTheStream() {
        sql(pg, DB, "INSERT INTO all_types (id, num, f8, d, ts, tstz) VALUES (2, 'NaN', '-Infinity', 'infinity',"
                    + " '-infinity', 'infinity')");
        Map<String, Object> a = events(1).get(0).after();
        assertThat((Double) a.get("num")).isNaN();
        assertThat(a.get("f8")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(a.get("d")).isEqualTo("infinity");
        assertThat(a.get("ts")).isEqualTo("-infinity");
        assertThat(a.get("tstz")).isEqualTo("infinity");
    }

    @Test
    void headersAndPositionsOfAMultiRowTransaction() {
        transaction(pg, DB, "INSERT INTO items VALUES (1, 'a', 1)", "INSERT INTO other VALUES (1)",
                "INSERT INTO items VALUES (2, 'b', 2)", "INSERT INTO items VALUES (3, 'c', 3)");
        List<ChangeEvent> events = events(3);
        assertThat(events).hasSize(3);
        assertThat(events).extracting(e -> e.after().get("id")).containsExactly(1, 2, 3);
        // one commit LSN for the transaction; rows done count its published changes (the excluded table is not
        // in the publication the endpoint created, so the server never sends its row)
        assertThat(events).extracting(e -> e.source().position()).containsOnly(events.get(0).source().position());
        assertThat(events).extracting(e -> ((PgPosition) e.position()).rowsDone()).containsExactly(1L, 2L, 3L);

        Exchange first = received.get(0);
        assertThat(first.getMessage().getHeader(DbLogConstants.SOURCE)).isEqualTo("postgres");
        assertThat(first.getMessage().getHeader(DbLogConstants.DATABASE)).isEqualTo(DB);
        assertThat(first.getMessage().getHeader(DbLogConstants.TABLE)).isEqualTo("public.items");
        assertThat(first.getMessage().getHeader(DbLogConstants.OPERATION)).isEqualTo("INSERT");
        assertThat(first.getMessage().getHeader(DbLogConstants.KEY)).isEqualTo(Map.of("id", 1));
        assertThat((String) first.getMessage().getHeader(DbLogConstants.POSITION)).matches("[0-9A-F]+/[0-9A-F]+");
        long commitMs = first.getMessage().getHeader(DbLogConstants.TIMESTAMP, Long.class);
        assertThat(commitMs).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    }

    @Test
    void updateAndDeleteWithDefaultReplicaIdentityCarryTheKeyAsBefore() {
        sql(pg, DB, "INSERT INTO items VALUES (10, 'x', 1)", "UPDATE items SET qty = 5 WHERE id = 10",
                "UPDATE items SET id = 11 WHERE id = 10", "DELETE FROM items WHERE id = 11");
        List<ChangeEvent> events = events(4);
        assertThat(events).extracting(ChangeEvent::op)
                .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.UPDATE, Operation.DELETE);
        assertThat(events.get(1).before()).isEqualTo(Map.of("id", 10));
        assertThat(events.get(1).after()).isEqualTo(Map.of("id", 10, "sku", "x", "qty", 5));
        assertThat(events.get(2).before()).isEqualTo(Map.of("id", 10));
        assertThat(events.get(2).after()).containsEntry("id", 11);
        assertThat(events.get(2).key()).isEqualTo(Map.of("id", 11));
        assertThat(events.get(3).before()).isEqualTo(Map.of("id", 11));
        assertThat(events.get(3).after()).isNull();
        assertThat(events.get(3).key()).isEqualTo(Map.of("id", 11));
    }

    @Test
    void updateAndDeleteWithFullReplicaIdentityCarryTheWholeOldRow() {
        sql(pg, DB, "INSERT INTO items_full VALUES (1, 'x', 1)", "UPDATE items_full SET qty = 2, sku = 'y'",
                "DELETE FROM items_full");
        List<ChangeEvent> events = events(3);
        assertThat(events.get(1).before()).isEqualTo(Map.of("id", 1, "sku", "x", "qty", 1));
        assertThat(events.get(1).after()).isEqualTo(Map.of("id", 1, "sku", "y", "qty", 2));
        assertThat(events.get(1).key()).isEqualTo(Map.of("id", 1));
        assertThat(events.get(2).before()).isEqualTo(Map.of("id", 1, "sku", "y", "qty", 2));
    }

    @Test
    void truncateArrivesAsOneEventPerTable() {
        sql(pg, DB, "INSERT INTO items VALUES (20, 'x', 1)", "TRUNCATE items, items_full");
        List<ChangeEvent> events = events(3);
        assertThat(events).extracting(ChangeEvent::op)
                .containsExactly(Operation.INSERT, Operation.TRUNCATE, Operation.TRUNCATE);
        assertThat(events.subList(1, 3)).extracting(e -> e.source().table()).containsExactly("items", "items_full");
        assertThat(events.get(1).before()).isNull();
        assertThat(events.get(1).after()).isNull();
    }

    @Test
    void unchangedToastValueIsNamedNotFaked() {
        // random hex does not compress: stored out of line (TOAST) above ~2 kB
        sql(pg, DB, "INSERT INTO docs SELECT 1, 't1', string_agg(md5(g::text), '') FROM generate_series(1, 200) g",
                "UPDATE docs SET title = 't2' WHERE id = 1");
        List<ChangeEvent> events = events(2);
        assertThat((String) events.get(0).after().get("body")).hasSize(6400);
        ChangeEvent update = events.get(1);
        assertThat(update.after()).containsEntry("title", "t2").doesNotContainKey("body");
        assertThat(update.unchangedColumns()).containsExactly("body");
        assertThat(ChangeEventJson.toJson(update)).contains("\"unchanged\":[\"body\"]");
    }
}
