package io.cameldblog.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.json.ChangeEventJson;
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

import static io.cameldblog.postgres.PgTestSupport.confirmedFlush;
import static io.cameldblog.postgres.PgTestSupport.sql;
import static io.cameldblog.postgres.PgTestSupport.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Restarts continue after the last processed row, and the slot's confirmed flush LSN never passes a stored
 * position, so the server keeps every change that was not processed.
 */
class PgWalResumeTest {

    private static final String DB = "resume";
    private static SandboxPostgres pg;

    @TempDir
    Path offsets;

    @BeforeAll
    static void startServer() {
        pg = SandboxPostgres.start();
        pg.createDatabase(DB);
        sql(pg, DB, "CREATE TABLE orders (id int PRIMARY KEY, note text)", "CREATE TABLE noise (id serial PRIMARY KEY)");
    }

    @AfterAll
    static void stopServer() {
        pg.close();
    }


    private static String uri(String slot, String options) {
        return PgTestSupport.uri(pg, slot, DB, slot, "includeTables=public\\.orders" + options);
    }

    @Test
    void restartInsideATransactionAfterAFailureNeitherLosesNorRepeatsAndTheSlotKeepsTheRest() throws Exception {
        String slot = "restart_slot";
        List<Integer> all = new ArrayList<>();
        try (ResumableRun first = new ResumableRun(uri(slot, ""), new FileResumeStrategy(offsets), "id", id -> id == 4)) {
            sql(pg, DB, "INSERT INTO orders VALUES (1, 'a')");
            transaction(pg, DB, "INSERT INTO orders VALUES (2, 'b')", "INSERT INTO orders VALUES (3, 'c')",
                    "INSERT INTO orders VALUES (4, 'd')", "INSERT INTO orders VALUES (5, 'e')");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.failures.get() >= 2);
            assertThat(first.processed).containsExactly(1, 2, 3);
            all.addAll(first.processed);
        }
        // the stored position is inside the transaction; the slot has confirmed no further than it
        var stored = ChangeEventJson.parseObject(java.nio.file.Files.readAllBytes(offsets.resolve(slot + ".json")));
        @SuppressWarnings("unchecked")
        var position = (java.util.Map<String, Object>) stored.get("position");
        assertThat(((Number) position.get("rows")).longValue()).isEqualTo(2);
        long storedLsn = Lsn.parse((String) stored.get("text"));
        assertThat(Long.compareUnsigned(confirmedFlush(pg, slot), storedLsn)).isLessThanOrEqualTo(0);

        // written while the route is down: the slot keeps it
        sql(pg, DB, "INSERT INTO orders VALUES (6, 'f')");
        try (ResumableRun second = new ResumableRun(uri(slot, ""), new FileResumeStrategy(offsets), "id", id -> false)) {
            sql(pg, DB, "INSERT INTO orders VALUES (7, 'g')");
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains(7));
            all.addAll(second.processed);
        }
        assertThat(all).containsExactly(1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void whileCapturedTablesAreIdleTheHeartbeatMovesTheSlotSoWalDoesNotPileUp() throws Exception {
        String slot = "idle_slot";
        try (ResumableRun run = new ResumableRun(uri(slot, "&heartbeatInterval=200"), new FileResumeStrategy(offsets), "id",
                id -> false)) {
            sql(pg, DB, "INSERT INTO orders VALUES (100, 'captured')");
            await().atMost(Duration.ofSeconds(20)).until(() -> run.processed.contains(100));
            long afterCaptured = confirmedFlush(pg, slot);

            // only tables outside the stream change now
            for (int i = 0; i < 20; i++) {
                sql(pg, DB, "INSERT INTO noise DEFAULT VALUES");
            }
            long serverNow = Lsn.parse(PgTestSupport.query(pg, DB, "SELECT pg_current_wal_lsn()::text"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Long.compareUnsigned(confirmedFlush(pg, slot), serverNow) >= 0);
            assertThat(Long.compareUnsigned(confirmedFlush(pg, slot), afterCaptured)).isPositive();
            assertThat(run.processed).containsExactly(100);
        }
    }
}
