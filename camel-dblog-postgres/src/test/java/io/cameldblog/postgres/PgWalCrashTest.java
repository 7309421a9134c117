package io.cameldblog.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.testing.CrashLoop;
import io.cameldblog.sandbox.SandboxPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.cameldblog.postgres.PgTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** kill -9 at random moments under a steady writer, and one transaction of 100 000 rows. */
class PgWalCrashTest {

    private static final String DB = "crash";
    private static final int ROWS = 50_000;
    private static final int KILLS = 4;
    private static final int MAX_UNSTORED = 50;
    private static SandboxPostgres pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        pg = SandboxPostgres.start();
        pg.createDatabase(DB);
        sql(pg, DB, "CREATE TABLE crashed (id int PRIMARY KEY, payload text)",
                "CREATE TABLE big (id int PRIMARY KEY, payload text)");
    }

    @AfterAll
    static void stopServer() {
        pg.close();
    }

    @Test
    void killNineAtRandomMomentsLosesNothingAndDuplicatesOnlyUnstoredRows() throws Exception {
        // the slot exists before the first row is written: a slot only holds what comes after its creation
        sql(pg, DB, "SELECT pg_create_logical_replication_slot('crash_slot', 'pgoutput')",
                "CREATE PUBLICATION crash_slot FOR TABLE crashed");
        String uri = PgTestSupport.uri(pg, "crashed", DB, "crash_slot", "includeTables=public\\.crashed&startPosition=earliest");
        CrashLoop.Result result = new CrashLoop(dir, uri, "id", MAX_UNSTORED, null).run(ROWS, KILLS, PgWalCrashTest::write);
        assertThat(result.missing()).as("rows lost").isEmpty();
        assertThat(result.counts()).hasSize(ROWS);
        // docs/resume.md: a kill -9 repeats at most maxUnstored + 1 rows, those processed just before it
        assertThat(result.replayViolations(MAX_UNSTORED + 1)).as("each killed run's replay").isEmpty();
    }

    @Test
    void aTransactionOf100000RowsArrivesWholeAndInOrder() throws Exception {
        List<Integer> ids = new CopyOnWriteArrayList<>();
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(PgTestSupport.uri(pg, "big", DB, "big_slot", "includeTables=public\\.big"))
                        .process(e -> ids.add((Integer) e.getMessage().getBody(ChangeEvent.class).after().get("id")));
            }
        });
        context.start();
        try {
            sql(pg, DB, "INSERT INTO big SELECT g, 'row ' || g FROM generate_series(1, 100000) g");
            await().atMost(Duration.ofSeconds(120)).until(() -> ids.size() >= 100_000);
        } finally {
            context.stop();
        }
        assertThat(ids).hasSize(100_000);
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i) != i + 1) {
                throw new AssertionError("row " + (i + 1) + " arrived as " + ids.get(i));
            }
        }
    }

    /** 50 000 rows in transactions of 1 to 500 rows. */
    private static void write() {
        Random random = new Random(7);
        int next = 1;
        while (next <= ROWS) {
            int size = Math.min(1 + random.nextInt(500), ROWS - next + 1);
            sql(pg, DB, "INSERT INTO crashed SELECT g, 'row ' || g FROM generate_series(" + next + ", "
                        + (next + size - 1) + ") g");
            next += size;
        }
    }
}
