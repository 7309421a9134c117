package io.cameldblog.mysql;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConstants;
import io.cameldblog.core.Operation;
import io.cameldblog.core.json.ChangeEventJson;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code TRUNCATE} of a captured table arrives as one {@code op = "t"} event, in order with the rows around it. */
class MysqlBinlogTruncateTest {

    static SandboxMariaDb db;

    @TempDir
    Path offsets;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop", "CREATE TABLE shop.other (id INT PRIMARY KEY)");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    @Test
    void truncateOfACapturedTableArrivesBetweenItsRowsWithDbAndTable() throws Exception {
        db.execute("CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20))");
        try (CapturingRoute route = new CapturingRoute(MysqlBinlogStreamTest.uri("items", "includeTables=shop\\.items",
                db)).start()) {
            db.execute("INSERT INTO shop.items VALUES (1, 'a'), (2, 'b')");
            db.execute("TRUNCATE TABLE shop.items");
            // not captured: no event
            db.execute("INSERT INTO shop.other VALUES (1)", "TRUNCATE shop.other");
            db.execute("INSERT INTO shop.items VALUES (3, 'c')");
            // unqualified and quoted, in the session's database
            db.execute("USE shop", "TRUNCATE `items`");
            db.execute("INSERT INTO shop.items VALUES (4, 'd')");

            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 6);
            List<ChangeEvent> events = route.events();
            assertThat(events).extracting(ChangeEvent::op).containsExactly(Operation.INSERT, Operation.INSERT,
                    Operation.TRUNCATE, Operation.INSERT, Operation.TRUNCATE, Operation.INSERT);
            assertThat(events).extracting(e -> e.source().table()).containsOnly("items");
            assertThat(events).extracting(e -> e.source().db()).containsOnly("shop");

            ChangeEvent truncate = events.get(2);
            assertThat(truncate.before()).isNull();
            assertThat(truncate.after()).isNull();
            assertThat(truncate.key()).isEmpty();
            assertThat(route.received().get(2).headers()).containsEntry(DbLogConstants.OPERATION, "TRUNCATE")
                    .containsEntry(DbLogConstants.TABLE, "items");
            assertThat(ChangeEventJson.toJson(truncate)).contains("\"op\":\"t\"");
            assertThat(events.get(3).after()).containsEntry("id", 3);
            assertThat(events.get(5).after()).containsEntry("id", 4);
        }
    }

    @Test
    void excludeTablesAppliesToTruncate() throws Exception {
        db.execute("CREATE TABLE shop.kept (id INT PRIMARY KEY)", "CREATE TABLE shop.skipped (id INT PRIMARY KEY)");
        try (CapturingRoute route = new CapturingRoute(MysqlBinlogStreamTest.uri("excl",
                "includeTables=shop\\..*&excludeTables=shop\\.skipped", db)).start()) {
            db.execute("TRUNCATE TABLE shop.skipped", "TRUNCATE TABLE shop.kept", "INSERT INTO shop.kept VALUES (1)");
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() >= 2);
            assertThat(route.events()).extracting(e -> e.op() + " " + e.source().table())
                    .containsExactly("TRUNCATE kept", "INSERT kept");
        }
    }

    /** A failed truncate is delivered again after a restart; the rows before it are not. */
    @Test
    void aRestartResumesAtTheTruncateExactly() throws Exception {
        db.execute("CREATE TABLE shop.resumed (id INT PRIMARY KEY)");
        String uri = MysqlBinlogStreamTest.uri("resumed", "includeTables=shop\\.resumed&startPosition=earliest"
                                                         + "&reconnectDelay=50", db);
        List<String> all = new ArrayList<>();
        try (Run first = new Run(uri, true)) {
            db.execute("INSERT INTO shop.resumed VALUES (1)", "TRUNCATE TABLE shop.resumed");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.failures.get() >= 2);
            all.addAll(first.processed);
        }
        db.execute("INSERT INTO shop.resumed VALUES (2)");
        try (Run second = new Run(uri, false)) {
            db.execute("TRUNCATE TABLE shop.resumed", "INSERT INTO shop.resumed VALUES (3)");
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains("c3"));
            all.addAll(second.processed);
        }
        assertThat(all).containsExactly("c1", "t", "c2", "t", "c3");
        try (Run third = new Run(uri, false)) {
            db.execute("INSERT INTO shop.resumed VALUES (4)");
            await().atMost(Duration.ofSeconds(20)).until(() -> third.processed.contains("c4"));
            assertThat(third.processed).containsExactly("c4");
        }
    }

    /** A resumable route that records "c<id>" / "t"; with {@code failTruncate} the target rejects every truncate. */
    private final class Run implements AutoCloseable {
        final List<String> processed = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();
        private final CamelContext context = new DefaultCamelContext();

        Run(String uri, boolean failTruncate) throws Exception {
            FileResumeStrategy positions = new FileResumeStrategy(offsets);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).resumable(positions).process(e -> {
                        ChangeEvent event = e.getMessage().getBody(ChangeEvent.class);
                        if (event.op() == Operation.TRUNCATE && failTruncate) {
                            failures.incrementAndGet();
                            throw new IllegalStateException("target rejected the truncate");
                        }
                        processed.add(event.op() == Operation.TRUNCATE ? "t" : "c" + event.after().get("id"));
                    });
                }
            });
            context.start();
        }

        @Override
        public void close() {
            context.stop();
        }
    }
}
