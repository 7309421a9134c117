package io.cameldblog.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.testing.ResumableRun;
import io.cameldblog.core.testing.RouteStart;
import io.cameldblog.sandbox.SandboxPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.cameldblog.postgres.PgTestSupport.confirmedFlush;
import static io.cameldblog.postgres.PgTestSupport.query;
import static io.cameldblog.postgres.PgTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What docs/postgres.md promises about the slot and its options: a heartbeat never confirms past a row the route
 * keeps failing, a stored position the slot has passed is refused, a slot and publication a DBA created are used
 * from an explicit LSN, dropSlotOnStop removes the slot, and test_decoding names an unchanged TOAST value.
 */
class PgWalOptionsTest {

    private static final String DB = "options";
    private static SandboxPostgres pg;

    @TempDir
    Path offsets;

    @BeforeAll
    static void startServer() {
        pg = SandboxPostgres.start();
        pg.createDatabase(DB);
        sql(pg, DB, "CREATE TABLE orders (id int PRIMARY KEY, note text)", "CREATE TABLE noise (id serial PRIMARY KEY)",
                "CREATE TABLE docs (id int PRIMARY KEY, title text, body text)");
    }

    @AfterAll
    static void stopServer() {
        pg.close();
    }

    private static String uri(String slot, String options) {
        return PgTestSupport.uri(pg, slot, DB, slot, "includeTables=public\\.orders" + options);
    }

    private static long currentLsn() {
        return Lsn.parse(query(pg, DB, "SELECT pg_current_wal_lsn()::text"));
    }

    @Test
    void theHeartbeatNeverConfirmsPastARowTheRouteKeepsFailing() throws Exception {
        String slot = "failing_slot";
        try (ResumableRun run = new ResumableRun(uri(slot, "&heartbeatInterval=100"), new FileResumeStrategy(offsets),
                "id", id -> id == 2)) {
            sql(pg, DB, "INSERT INTO orders VALUES (1, 'ok')");
            await().atMost(Duration.ofSeconds(20)).until(() -> run.processed.contains(1));
            long beforeTheFailingRow = currentLsn();
            sql(pg, DB, "INSERT INTO orders VALUES (2, 'rejected by the target')");
            for (int i = 0; i < 20; i++) {
                sql(pg, DB, "INSERT INTO noise DEFAULT VALUES"); // idle for the stream, WAL for the heartbeat
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> run.failures.get() >= 3);
            // many heartbeat periods and retries later the slot still keeps row 2
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(
                    () -> Long.compareUnsigned(confirmedFlush(pg, slot), beforeTheFailingRow) <= 0);
            assertThat(run.processed).containsExactly(1);
        }
    }

    @Test
    void aStoredPositionTheSlotHasAlreadyPassedIsRefused() throws Exception {
        String slot = "passed_slot";
        try (ResumableRun run = new ResumableRun(uri(slot, ""), new FileResumeStrategy(offsets), "id", id -> false)) {
            sql(pg, DB, "INSERT INTO orders VALUES (10, 'stored')");
            await().atMost(Duration.ofSeconds(20)).until(() -> run.processed.contains(10));
        }
        sql(pg, DB, "INSERT INTO orders VALUES (11, 'consumed by someone else')");
        // another consumer of the slot (or a DBA) moves it past the stored position: row 11 is gone for this route
        query(pg, DB, "SELECT end_lsn::text FROM pg_replication_slot_advance('" + slot + "', pg_current_wal_lsn())");
        String failure = RouteStart.failure(uri(slot, ""), new FileResumeStrategy(offsets));
        assertThat(failure).contains("is older than what replication slot '" + slot + "'", "Fix:");
    }

    @Test
    void aSlotAndPublicationTheDbaCreatedAreReadFromAnExplicitLsn() throws Exception {
        String slot = "dba_slot";
        sql(pg, DB, "CREATE PUBLICATION dba_pub FOR TABLE orders");
        query(pg, DB, "SELECT lsn::text FROM pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        sql(pg, DB, "INSERT INTO orders VALUES (20, 'before the start position')");
        String from = query(pg, DB, "SELECT pg_current_wal_lsn()::text");
        sql(pg, DB, "INSERT INTO orders VALUES (21, 'after')", "INSERT INTO orders VALUES (22, 'after')");
        List<Object> ids = new CopyOnWriteArrayList<>();
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "&createSlot=false&createPublication=false&publication=dba_pub&startPosition=" + from))
                        .process(e -> ids.add(e.getMessage().getBody(ChangeEvent.class).after().get("id")));
            }
        });
        context.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> ids.size() >= 2);
            assertThat(ids).containsExactly(21, 22);
        } finally {
            context.stop();
        }
        assertThat(query(pg, DB, "SELECT count(*) FROM pg_publication WHERE pubname = 'dba_pub'")).isEqualTo("1");
    }

    @Test
    void aMissingSlotIsAnErrorWithCreateSlotFalse() {
        assertThat(RouteStart.failure(uri("never_created", "&createSlot=false")))
                .contains("never_created", "Fix:");
    }

    @Test
    void dropSlotOnStopRemovesTheSlot() throws Exception {
        String slot = "dropped_slot";
        try (ResumableRun run = new ResumableRun(uri(slot, "&dropSlotOnStop=true"), new FileResumeStrategy(offsets),
                "id", id -> false)) {
            sql(pg, DB, "INSERT INTO orders VALUES (30, 'x')");
            await().atMost(Duration.ofSeconds(20)).until(() -> run.processed.contains(30));
            assertThat(query(pg, DB, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'"))
                    .isEqualTo("1");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> "0".equals(
                query(pg, DB, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'")));
    }

    @Test
    void testDecodingNamesAnUnchangedToastValueInsteadOfFakingIt() throws Exception {
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(PgTestSupport.uri(pg, "toast", DB, "toast_slot", "plugin=test_decoding&includeTables=public\\.docs"))
                        .process(e -> events.add(e.getMessage().getBody(ChangeEvent.class)));
            }
        });
        context.start();
        try {
            // random hex does not compress: stored out of line (TOAST) above ~2 kB
            sql(pg, DB, "INSERT INTO docs SELECT 1, 't1', string_agg(md5(g::text), '') FROM generate_series(1, 200) g",
                    "UPDATE docs SET title = 't2' WHERE id = 1");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 2);
        } finally {
            context.stop();
        }
        assertThat((String) events.get(0).after().get("body")).hasSize(6400);
        ChangeEvent update = events.get(1);
        assertThat(update.after()).containsEntry("title", "t2").doesNotContainKey("body");
        assertThat(update.unchangedColumns()).containsExactly("body");
    }
}
