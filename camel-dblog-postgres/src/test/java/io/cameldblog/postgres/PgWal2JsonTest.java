package io.cameldblog.postgres;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.testing.ResumableRun;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * plugin=wal2json against Debian's PostgreSQL 15 (a second server version): the same events as pgoutput gives,
 * and a restart continues exactly after the last processed row. {@code .ci/run} installs the packages.
 */
class PgWal2JsonTest {

    private static final String DB = "wal2json";
    private static DebianPostgres15 pg;

    @TempDir
    Path offsets;

    private static final String MISSING =
            "needs Debian's postgresql-15 and postgresql-15-wal2json (.ci/run installs them: apt-get install "
            + "postgresql-15 postgresql-15-wal2json)";

    @BeforeAll
    static void startServer() throws Exception {
        if (!DebianPostgres15.installed()) {
            // CI installs the packages, so there a missing server is a broken CI, not a reason to skip
            if (System.getenv("CI") != null) {
                throw new IllegalStateException("CI=true but the wal2json test cannot run: " + MISSING);
            }
            return;
        }
        pg = DebianPostgres15.start();
        pg.createDatabase(DB);
        sql("CREATE TABLE items (id int PRIMARY KEY, sku text, price numeric(12,4), at timestamp, seen timestamptz,"
            + " u uuid, tags text[], flag boolean)", "CREATE TABLE plain (id int PRIMARY KEY)",
                "CREATE TABLE parts (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
                "CREATE TABLE parts_a PARTITION OF parts FOR VALUES IN ('a')",
                "CREATE TABLE parts_b PARTITION OF parts FOR VALUES IN ('b')");
    }

    @BeforeEach
    void needsDebianPostgres15() {
        // per test, so that each one is reported as skipped with the reason instead of vanishing from the count
        Assumptions.assumeTrue(pg != null, MISSING);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static void sql(String... statements) throws Exception {
        try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static String uri(String slot, String options) {
        return "pgwal:" + slot + "?host=" + pg.host() + "&port=" + pg.port() + "&database=" + DB
               + "&username=postgres&password=&slot=" + slot + "&plugin=wal2json&statusInterval=100"
               + "&reconnectDelay=200" + options;
    }

    @Test
    void changesArriveWithTypedValuesAsWithPgoutput() throws Exception {
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("typed", "&includeTables=public\\.items"))
                        .process(e -> events.add(e.getMessage().getBody(ChangeEvent.class)));
            }
        });
        context.start();
        try {
            sql("INSERT INTO items VALUES (1, 'A-1', 12345678.0100, '2026-11-24 10:15:30.123456',"
                + " '2026-11-24 12:15:30.654321+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a b\",c}', true)",
                    "INSERT INTO plain VALUES (1)",
                    "UPDATE items SET price = 0.5 WHERE id = 1", "DELETE FROM items WHERE id = 1");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 3);
        } finally {
            context.stop();
        }
        assertThat(events).extracting(ChangeEvent::op)
                .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE);
        Map<String, Object> a = events.get(0).after();
        assertThat(a.get("id")).isEqualTo(1);
        assertThat(a.get("sku")).isEqualTo("A-1");
        assertThat(a.get("price")).isEqualTo(new BigDecimal("12345678.0100"));
        assertThat(a.get("at")).isEqualTo(LocalDateTime.of(2026, 11, 24, 10, 15, 30, 123_456_000));
        assertThat(a.get("seen")).isEqualTo(OffsetDateTime.of(2026, 11, 24, 10, 15, 30, 654_321_000, ZoneOffset.UTC));
        assertThat(a.get("u")).isEqualTo(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        assertThat(a.get("tags")).isEqualTo(List.of("a b", "c"));
        assertThat(a.get("flag")).isEqualTo(true);
        assertThat(events.get(0).key()).isEqualTo(Map.of("id", 1));
        assertThat(events.get(0).source().table()).isEqualTo("items");
        assertThat(events.get(0).source().position()).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat(events.get(1).before()).isEqualTo(Map.of("id", 1));
        assertThat(events.get(1).after()).containsEntry("price", new BigDecimal("0.5000"));
        assertThat(events.get(2).before()).isEqualTo(Map.of("id", 1));
    }

    @Test
    void restartContinuesExactlyAfterTheLastProcessedRow() throws Exception {
        List<Integer> all = new ArrayList<>();
        String uri = uri("restart", "&includeTables=public\\.plain&startPosition=latest");
        try (ResumableRun first = new ResumableRun(uri, new FileResumeStrategy(offsets), "id", id -> id == 12)) {
            sql("INSERT INTO plain VALUES (10)");
            sql("BEGIN", "INSERT INTO plain VALUES (11), (12), (13)", "COMMIT");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.failures.get() >= 2);
            all.addAll(first.processed);
        }
        sql("INSERT INTO plain VALUES (14)");
        try (ResumableRun second = new ResumableRun(uri, new FileResumeStrategy(offsets), "id", id -> false)) {
            sql("INSERT INTO plain VALUES (15)");
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains(15));
            all.addAll(second.processed);
        }
        assertThat(all).containsExactly(10, 11, 12, 13, 14, 15);
    }

    @Test
    void partitionRowsCarryThePartitionedTablesName() throws Exception {
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (PgWalTablesTest.Route route = new PgWalTablesTest.Route(uri("parts_slot", "&includeTables=public\\.parts"),
                events)) {
            sql("INSERT INTO parts VALUES (1, 'a'), (2, 'b')");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 2);
        }
        assertThat(events).extracting(e -> e.source().qualifiedTable()).containsExactly("public.parts", "public.parts");
        assertThat(events).extracting(e -> e.after().get("id")).containsExactly(1, 2);
    }
}
