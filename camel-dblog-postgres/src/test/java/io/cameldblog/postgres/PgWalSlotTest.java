package io.cameldblog.postgres;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.sandbox.SandboxPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.cameldblog.postgres.PgTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The slot is the server-side position: what a restart without a stored position does with it. */
class PgWalSlotTest {

    private static final String DB = "slots";
    private static SandboxPostgres pg;

    @BeforeAll
    static void startServer() {
        pg = SandboxPostgres.start();
        pg.createDatabase(DB);
        sql(pg, DB, "CREATE TABLE orders (id int PRIMARY KEY)");
    }

    @AfterAll
    static void stopServer() {
        pg.close();
    }

    @Test
    void aRestartWithoutResumableContinuesFromTheSlotSoRowsWrittenWhileStoppedArrive() throws Exception {
        String uri = PgTestSupport.uri(pg, "plain", DB, "plain_slot", "includeTables=public\\.orders");
        List<ChangeEvent> first = new CopyOnWriteArrayList<>();
        try (PgWalTablesTest.Route route = new PgWalTablesTest.Route(uri, first)) {
            sql(pg, DB, "INSERT INTO orders VALUES (1)");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.size() >= 1);
        }
        // written while the route is stopped
        sql(pg, DB, "INSERT INTO orders VALUES (2)", "INSERT INTO orders VALUES (3)");

        List<ChangeEvent> second = new CopyOnWriteArrayList<>();
        try (PgWalTablesTest.Route route = new PgWalTablesTest.Route(uri, second)) {
            sql(pg, DB, "INSERT INTO orders VALUES (4)");
            await().atMost(Duration.ofSeconds(20)).until(() -> ids(second).contains(4));
        }
        assertThat(ids(first)).containsExactly(1);
        // at least once: the last transaction confirmed before the stop may come again, nothing is missing
        assertThat(ids(second)).endsWith(2, 3, 4).isSubsetOf(1, 2, 3, 4);
    }

    private static List<Object> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> e.after().get("id")).toList();
    }
}
