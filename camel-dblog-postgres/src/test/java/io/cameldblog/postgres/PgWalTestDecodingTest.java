package io.cameldblog.postgres;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.testing.ResumableRun;
import io.cameldblog.sandbox.SandboxPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.cameldblog.postgres.PgTestSupport.sql;
import static io.cameldblog.postgres.PgTestSupport.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** plugin=test_decoding (built into PostgreSQL): the same events as pgoutput, and exact restarts. */
class PgWalTestDecodingTest {

    private static final String DB = "textplugin";
    private static SandboxPostgres pg;

    @TempDir
    Path offsets;

    @BeforeAll
    static void startServer() {
        pg = SandboxPostgres.start();
        pg.createDatabase(DB);
        sql(pg, DB, "CREATE TABLE items (id int PRIMARY KEY, \"Sku\" text, price numeric(12,4), at timestamp,"
                    + " tags text[], flag boolean)", "CREATE TABLE plain (id int PRIMARY KEY)");
    }

    @AfterAll
    static void stopServer() {
        pg.close();
    }

    @Test
    void changesArriveWithTypedValuesAsWithPgoutput() throws Exception {
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(PgTestSupport.uri(pg, "typed", DB, "typed_slot", "plugin=test_decoding&includeTables=public\\.items"))
                        .process(e -> events.add(e.getMessage().getBody(ChangeEvent.class)));
            }
        });
        context.start();
        try {
            sql(pg, DB, "INSERT INTO items VALUES (1, 'it''s A-1', 12345678.0100, '2026-11-24 10:15:30.123456',"
                        + " '{\"a b\",c}', true)", "INSERT INTO plain VALUES (1)",
                    "UPDATE items SET price = 0.5 WHERE id = 1", "UPDATE items SET id = 2 WHERE id = 1",
                    "DELETE FROM items WHERE id = 2");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 4);
        } finally {
            context.stop();
        }
        assertThat(events).extracting(ChangeEvent::op)
                .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.UPDATE, Operation.DELETE);
        Map<String, Object> a = events.get(0).after();
        assertThat(a.get("id")).isEqualTo(1);
        assertThat(a.get("Sku")).isEqualTo("it's A-1");
        assertThat(a.get("price")).isEqualTo(new BigDecimal("12345678.0100"));
        assertThat(a.get("at")).isEqualTo(LocalDateTime.of(2026, 11, 24, 10, 15, 30, 123_456_000));
        assertThat(a.get("tags")).isEqualTo(List.of("a b", "c"));
        assertThat(a.get("flag")).isEqualTo(true);
        assertThat(events.get(0).key()).isEqualTo(Map.of("id", 1));
        assertThat(events.get(1).after()).containsEntry("price", new BigDecimal("0.5000"));
        assertThat(events.get(2).before()).isEqualTo(Map.of("id", 1));
        assertThat(events.get(2).after()).containsEntry("id", 2);
        assertThat(events.get(3).before()).isEqualTo(Map.of("id", 2));
        assertThat(events.get(0).source().tsMs()).isCloseTo(System.currentTimeMillis(),
                org.assertj.core.data.Offset.offset(60_000L));
    }

    @Test
    void restartInsideATransactionAfterAFailureNeitherLosesNorRepeats() throws Exception {
        String uri = PgTestSupport.uri(pg, "restart", DB, "restart_slot", "plugin=test_decoding&includeTables=public\\.plain");
        List<Integer> all = new ArrayList<>();
        try (ResumableRun first = new ResumableRun(uri, new FileResumeStrategy(offsets), "id", id -> id == 12)) {
            sql(pg, DB, "INSERT INTO plain VALUES (10)");
            transaction(pg, DB, "INSERT INTO plain VALUES (11)", "INSERT INTO plain VALUES (12)",
                    "INSERT INTO plain VALUES (13)");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.failures.get() >= 2);
            assertThat(first.processed).containsExactly(10, 11);
            all.addAll(first.processed);
        }
        sql(pg, DB, "INSERT INTO plain VALUES (14)");
        try (ResumableRun second = new ResumableRun(uri, new FileResumeStrategy(offsets), "id", id -> false)) {
            sql(pg, DB, "INSERT INTO plain VALUES (15)");
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains(15));
            all.addAll(second.processed);
        }
        assertThat(all).containsExactly(10, 11, 12, 13, 14, 15);
    }

    @Test
    void aFailureAfterTheHeartbeatMovedTheSlotDuringAnIdlePeriodResumesInsteadOfBeingRefused() throws Exception {
        String slot = "idle_text_slot";
        String uri = PgTestSupport.uri(pg, "idletext", DB, slot,
                "plugin=test_decoding&includeTables=public\\.plain&heartbeatInterval=200");
        List<Integer> all = new ArrayList<>();
        try (ResumableRun first = new ResumableRun(uri, new FileResumeStrategy(offsets), "id", id -> id == 22)) {
            sql(pg, DB, "INSERT INTO plain VALUES (20)");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.processed.contains(20));
            // idle here; WAL moves on elsewhere (another database), and the heartbeat moves the slot with it
            sql(pg, "postgres", "CREATE TABLE IF NOT EXISTS elsewhere (i int)", "INSERT INTO elsewhere VALUES (1)");
            long serverNow = Lsn.parse(PgTestSupport.query(pg, DB, "SELECT pg_current_wal_lsn()::text"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Long.compareUnsigned(PgTestSupport.confirmedFlush(pg, slot), serverNow) >= 0);
            // the target fails inside the next transaction: the consumer reconnects from the last processed row
            transaction(pg, DB, "INSERT INTO plain VALUES (21)", "INSERT INTO plain VALUES (22)",
                    "INSERT INTO plain VALUES (23)");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.failures.get() >= 2);
            assertThat(first.processed).containsExactly(20, 21);
            all.addAll(first.processed);
        }
        try (ResumableRun second = new ResumableRun(uri, new FileResumeStrategy(offsets), "id", id -> false)) {
            sql(pg, DB, "INSERT INTO plain VALUES (24)");
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains(24));
            all.addAll(second.processed);
        }
        assertThat(all).containsExactly(20, 21, 22, 23, 24);
    }
}
