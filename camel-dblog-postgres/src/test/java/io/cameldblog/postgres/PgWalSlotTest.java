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

    @Test
    void aPublicationCreatedAfterTheSlotWithChangesInBetweenStopsTheStartWithTheCauseAndTheFix() {
        // the runbook order: slot first, then writes, then the publication
        sql(pg, DB, "SELECT pg_create_logical_replication_slot('dba_slot', 'pgoutput')",
                "INSERT INTO orders VALUES (100)",
                "CREATE PUBLICATION dba_pub FOR TABLE orders");
        String uri = PgTestSupport.uri(pg, "dba", DB, "dba_slot", "includeTables=public\\.orders&publication=dba_pub");
        assertThat(PgWalErrorsTest.startFailure(uri))
                .contains("'dba_slot'", "before publication 'dba_pub' existed", "publication \"dba_pub\" does not exist",
                        "Fix: create the publication first", "pg_drop_replication_slot('dba_slot')");
    }

    @Test
    void aPublicationCreatedRightAfterTheSlotBeforeAnyChangeIsFine() throws Exception {
        sql(pg, DB, "SELECT pg_create_logical_replication_slot('quick_slot', 'pgoutput')",
                "CREATE PUBLICATION quick_pub FOR TABLE orders");
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (PgWalTablesTest.Route route = new PgWalTablesTest.Route(PgTestSupport.uri(pg, "quick", DB, "quick_slot",
                "includeTables=public\\.orders&publication=quick_pub"), events)) {
            sql(pg, DB, "INSERT INTO orders VALUES (200)");
            await().atMost(Duration.ofSeconds(20)).until(() -> ids(events).contains(200));
        }
        assertThat(ids(events)).containsExactly(200);
    }

    @Test
    void aChangeOpenWhileThePublicationWasCreatedIsReportedWhileStreamingWithTheCauseAndTheFix() throws Exception {
        sql(pg, DB, "SELECT pg_create_logical_replication_slot('open_slot', 'pgoutput')");
        try (java.sql.Connection open = pg.connect(DB)) {
            // a transaction that wrote before the publication existed and commits only after the route started
            open.setAutoCommit(false);
            open.createStatement().execute("INSERT INTO orders VALUES (300)");
            sql(pg, DB, "CREATE PUBLICATION open_pub FOR TABLE orders");
            try (PgWalTablesTest.Route route = new PgWalTablesTest.Route(PgTestSupport.uri(pg, "open", DB, "open_slot",
                    "includeTables=public\\.orders&publication=open_pub"), new CopyOnWriteArrayList<>())) {
                open.commit();
                await().atMost(Duration.ofSeconds(20)).until(() -> route.consumer().getLastError() != null);
                assertThat(route.consumer().getLastError().getMessage())
                        .contains("'open_slot'", "before publication 'open_pub' existed", "Fix: create the publication first");
                assertThat(route.consumer().isConnected()).isFalse();
            }
        }
    }

    private static List<Object> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> e.after().get("id")).toList();
    }
}
