package io.cameldblog.postgres;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.sandbox.SandboxPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.cameldblog.postgres.PgTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Which tables' rows reach the route: partitioned tables by their own name, and tables created later. */
class PgWalTablesTest {

    private static final String DB = "tables";
    private static SandboxPostgres pg;

    @BeforeAll
    static void startServer() {
        pg = SandboxPostgres.start();
        pg.createDatabase(DB);
        sql(pg, DB,
                "CREATE TABLE parts (id int, region text, note text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
                "CREATE TABLE parts_a PARTITION OF parts FOR VALUES IN ('a')",
                "CREATE TABLE parts_b PARTITION OF parts FOR VALUES IN ('b')",
                "CREATE TABLE ranged (id int PRIMARY KEY, v text) PARTITION BY RANGE (id)",
                "CREATE TABLE ranged_low PARTITION OF ranged FOR VALUES FROM (0) TO (100)",
                "CREATE TABLE ranged_high PARTITION OF ranged FOR VALUES FROM (100) TO (200)");
    }

    @AfterAll
    static void stopServer() {
        pg.close();
    }

    @Test
    void rowsOfPartitionsArriveUnderThePartitionedTablesName() throws Exception {
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (Route route = new Route(PgTestSupport.uri(pg, "parts", DB, "parts_slot", "includeTables=public\\.parts"),
                events)) {
            sql(pg, DB, "INSERT INTO parts VALUES (1, 'a', 'one'), (2, 'b', 'two')",
                    "UPDATE parts SET note = 'uno' WHERE id = 1", "DELETE FROM parts WHERE id = 2");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 4);
        }
        assertThat(events).extracting(e -> e.source().qualifiedTable()).containsOnly("public.parts");
        assertThat(events).extracting(ChangeEvent::op)
                .containsExactly(Operation.INSERT, Operation.INSERT, Operation.UPDATE, Operation.DELETE);
        assertThat(events.get(0).after()).isEqualTo(Map.of("id", 1, "region", "a", "note", "one"));
        assertThat(events.get(1).after()).isEqualTo(Map.of("id", 2, "region", "b", "note", "two"));
        assertThat(events.get(2).after()).containsEntry("note", "uno");
        assertThat(events.get(3).before()).isEqualTo(Map.of("id", 2, "region", "b"));
        assertThat(events.get(0).key()).isEqualTo(Map.of("id", 1, "region", "a"));
    }

    @Test
    void truncatingAPartitionedTableIsOneTruncateOfIt() throws Exception {
        sql(pg, DB, "CREATE TABLE cut (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
                "CREATE TABLE cut_a PARTITION OF cut FOR VALUES IN ('a')",
                "CREATE TABLE cut_b PARTITION OF cut FOR VALUES IN ('b')");
        for (String plugin : List.of("pgoutput", "test_decoding")) {
            List<ChangeEvent> events = new CopyOnWriteArrayList<>();
            try (Route route = new Route(PgTestSupport.uri(pg, "cut" + plugin.length(), DB, "cut_" + plugin.length(),
                    "plugin=" + plugin + "&includeTables=public\\.cut"), events)) {
                sql(pg, DB, "INSERT INTO cut VALUES (1, 'a'), (2, 'b')", "TRUNCATE cut", "INSERT INTO cut VALUES (3, 'a')");
                await().atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(
                        e -> e.after() != null && Integer.valueOf(3).equals(e.after().get("id"))));
            }
            assertThat(events).as(plugin).extracting(ChangeEvent::op)
                    .containsExactly(Operation.INSERT, Operation.INSERT, Operation.TRUNCATE, Operation.INSERT);
            assertThat(events).as(plugin).extracting(e -> e.source().qualifiedTable()).containsOnly("public.cut");
        }
    }

    @Test
    void withTestDecodingPartitionRowsAlsoCarryThePartitionedTablesName() throws Exception {
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (Route route = new Route(PgTestSupport.uri(pg, "partstext", DB, "parts_text_slot",
                "plugin=test_decoding&includeTables=public\\.parts"), events)) {
            sql(pg, DB, "INSERT INTO parts VALUES (10, 'a', 'ten'), (11, 'b', 'eleven')");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 2);
        }
        assertThat(events).extracting(e -> e.source().qualifiedTable()).containsExactly("public.parts", "public.parts");
        assertThat(events).extracting(e -> e.after().get("note")).containsExactly("ten", "eleven");
        assertThat(events.get(0).key()).isEqualTo(Map.of("id", 10, "region", "a"));
    }

    @Test
    void anExistingPublicationWithoutPublishViaPartitionRootIsSetToIt() throws Exception {
        sql(pg, DB, "CREATE PUBLICATION ranged_pub FOR TABLE ranged");
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (Route route = new Route(PgTestSupport.uri(pg, "ranged", DB, "ranged_slot",
                "includeTables=public\\.ranged&publication=ranged_pub"), events)) {
            sql(pg, DB, "INSERT INTO ranged VALUES (5, 'low'), (150, 'high')");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 2);
        }
        assertThat(PgTestSupport.query(pg, DB, "SELECT pubviaroot FROM pg_publication WHERE pubname = 'ranged_pub'"))
                .isEqualTo("t");
        assertThat(events).extracting(e -> e.source().qualifiedTable()).containsExactly("public.ranged", "public.ranged");
        assertThat(events).extracting(e -> e.after().get("v")).containsExactly("low", "high");
    }

    @Test
    void aTableCreatedWhileTheRouteRunsIsCapturedWithTheRowsWrittenBeforeItWasAdded() throws Exception {
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (Route route = new Route(PgTestSupport.uri(pg, "late", DB, "late_slot",
                "includeTables=public\\.late_.*&newTableCheckInterval=200"), events)) {
            // a migration creates and fills the table at once, the application writes on
            PgTestSupport.transaction(pg, DB, "CREATE TABLE late_a (id int PRIMARY KEY, v text)",
                    "INSERT INTO late_a VALUES (1, 'one')");
            sql(pg, DB, "INSERT INTO late_a VALUES (2, 'two')");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 2);
            sql(pg, DB, "INSERT INTO late_a VALUES (3, 'three')", "UPDATE late_a SET v = 'uno' WHERE id = 1");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 4);
        }
        assertThat(events).extracting(e -> e.source().qualifiedTable()).containsOnly("public.late_a");
        // rows written before the table joined the publication arrive as reads, the others from the stream
        assertThat(events.subList(0, 2)).extracting(e -> e.after().get("id")).containsExactly(1, 2);
        assertThat(events.subList(0, 2)).extracting(ChangeEvent::op).allMatch(op -> op == Operation.READ
                                                                                    || op == Operation.INSERT);
        assertThat(events.get(0).after()).isEqualTo(Map.of("id", 1, "v", "one"));
        assertThat(events.get(0).key()).isEqualTo(Map.of("id", 1));
        assertThat(events.subList(2, 4)).extracting(ChangeEvent::op).containsExactly(Operation.INSERT, Operation.UPDATE);
        assertThat(events.get(3).after()).isEqualTo(Map.of("id", 1, "v", "uno"));
        assertThat(events).hasSize(4);
        assertThat(PgTestSupport.column(pg, DB, "SELECT tablename FROM pg_publication_tables WHERE pubname = 'late_slot'"))
                .containsExactly("late_a");
    }

    @Test
    void rowsWrittenWhileANewTableIsBeingAddedArriveExactlyOnce() throws Exception {
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        int n;
        try (Route route = new Route(PgTestSupport.uri(pg, "busy", DB, "busy_slot",
                "includeTables=public\\.busy_.*&newTableCheckInterval=100"), events)) {
            // the table appears with 500 rows (created and filled in one transaction): those can only be reads
            PgTestSupport.transaction(pg, DB, "CREATE TABLE busy_t (id int PRIMARY KEY)",
                    "INSERT INTO busy_t SELECT g FROM generate_series(1, 500) g");
            // then one row per transaction while the table is found, locked, read and added, until the stream
            // delivers one of them (bounded): rows on both sides of the addition
            int i = 500;
            try (java.sql.Connection c = pg.connect(DB);
                 java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO busy_t VALUES (?)")) {
                while (i < 20_000 && events.stream().noneMatch(e -> e.op() == Operation.INSERT)) {
                    ps.setInt(1, ++i);
                    ps.executeUpdate();
                }
            }
            n = i;
            await().atMost(Duration.ofSeconds(60)).until(() -> events.size() >= n);
        }
        assertThat(events).extracting(e -> (Integer) e.after().get("id")).doesNotHaveDuplicates().hasSize(n);
        assertThat(events).extracting(ChangeEvent::op).contains(Operation.READ, Operation.INSERT);
        // the stream's rows follow the read ones in order
        List<Integer> streamed = events.stream().filter(e -> e.op() == Operation.INSERT)
                .map(e -> (Integer) e.after().get("id")).toList();
        assertThat(streamed).isSorted();
    }

    @Test
    void aNewTableWithoutReplicaIdentityIsNotPublishedAndTheConsumerSaysWhy() throws Exception {
        try (Route route = new Route(PgTestSupport.uri(pg, "keyless", DB, "keyless_slot",
                "includeTables=public\\.keyless_.*&newTableCheckInterval=100"), new CopyOnWriteArrayList<>())) {
            sql(pg, DB, "CREATE TABLE keyless_t (a int)", "INSERT INTO keyless_t VALUES (1)");
            await().atMost(Duration.ofSeconds(20)).until(() -> route.consumer().getLastError() != null);
            assertThat(route.consumer().getLastError().getMessage())
                    .contains("public.keyless_t", "no replica identity", "Fix:", "REPLICA IDENTITY FULL");
            // the application's writes keep working: the table was not published
            sql(pg, DB, "UPDATE keyless_t SET a = 2", "DELETE FROM keyless_t");
            assertThat(PgTestSupport.column(pg, DB,
                    "SELECT tablename FROM pg_publication_tables WHERE pubname = 'keyless_slot'")).isEmpty();
        }
    }

    @Test
    void aTableCreatedWhileTheRouteWasStoppedIsAddedAtTheNextStart() throws Exception {
        String uri = PgTestSupport.uri(pg, "stopped", DB, "stopped_slot", "includeTables=public\\.stopped_.*");
        try (Route route = new Route(uri, new CopyOnWriteArrayList<>())) {
            assertThat(route).isNotNull();
        }
        // created and written while the route is stopped
        sql(pg, DB, "CREATE TABLE stopped_b (id int PRIMARY KEY)", "INSERT INTO stopped_b VALUES (6)");
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (Route route = new Route(uri, events)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 1);
            sql(pg, DB, "INSERT INTO stopped_b VALUES (7)");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 2);
        }
        assertThat(events).extracting(e -> e.after().get("id")).containsExactly(6, 7);
        assertThat(events).extracting(ChangeEvent::op).containsExactly(Operation.READ, Operation.INSERT);
        assertThat(events.get(0).source().qualifiedTable()).isEqualTo("public.stopped_b");
    }

    @Test
    void anOlderTableThatAWidenedFilterNowMatchesIsAddedAndItsChangesFromThenOnArrive() throws Exception {
        sql(pg, DB, "CREATE TABLE wide_a (id int PRIMARY KEY)", "INSERT INTO wide_a VALUES (1)");
        try (Route route = new Route(PgTestSupport.uri(pg, "wide", DB, "wide_slot",
                "includeTables=public\\.wide_none&heartbeatInterval=100"), new CopyOnWriteArrayList<>())) {
            // a new slot starts with the catalogue horizon of the oldest slot on the server; once it has moved on
            // (running transactions are logged at checkpoints), the table is older than everything it decodes
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                sql(pg, DB, "CHECKPOINT");
                return "t".equals(PgTestSupport.query(pg, DB, "SELECT age(catalog_xmin) < (SELECT age(xmin) FROM"
                                                              + " pg_class WHERE oid = 'wide_a'::regclass) FROM"
                                                              + " pg_replication_slots WHERE slot_name = 'wide_slot'"));
            });
        }
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (Route route = new Route(PgTestSupport.uri(pg, "wide", DB, "wide_slot", "includeTables=public\\.wide_.*"),
                events)) {
            sql(pg, DB, "INSERT INTO wide_a VALUES (2)");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 1);
        }
        // row 1 predates the stream (a WARN names the table); row 2 is a change
        assertThat(events).extracting(e -> e.after().get("id")).containsExactly(2);
        assertThat(events.get(0).op()).isEqualTo(Operation.INSERT);
    }

    /** A route that collects what it receives; stopped on close. */
    static final class Route implements AutoCloseable {
        private final CamelContext context = new DefaultCamelContext();

        Route(String uri, List<ChangeEvent> events) throws Exception {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).process(e -> events.add(e.getMessage().getBody(ChangeEvent.class)));
                }
            });
            context.start();
        }

        /** The route's consumer, as the health check sees it. */
        io.cameldblog.core.consumer.DbLogConsumer<?> consumer() {
            return (io.cameldblog.core.consumer.DbLogConsumer<?>) context.getRoutes().get(0).getConsumer();
        }

        @Override
        public void close() {
            context.stop();
        }
    }
}
