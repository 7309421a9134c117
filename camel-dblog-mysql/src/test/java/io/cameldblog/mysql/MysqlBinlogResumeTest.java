package io.cameldblog.mysql;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.resume.BatchingResumeStrategy;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.testing.ResumableRun;
import io.cameldblog.core.resume.ZooKeeperResumeStrategy;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A route with {@code resumable()} continues where its last processed event left off: across stops, inside a
 * transaction, after a failed exchange, with positions in files and in a real ZooKeeper.
 */
class MysqlBinlogResumeTest {

    static SandboxMariaDb db;
    static TestingServer zooKeeper;

    @TempDir
    Path offsets;

    @BeforeAll
    static void startServers() throws Exception {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop");
        zooKeeper = new TestingServer();
    }

    @AfterAll
    static void stopServers() throws Exception {
        db.close();
        zooKeeper.close();
    }


    private static String uri(String table) {
        return MysqlBinlogStreamTest.uri(table, "includeTables=shop\\." + table + "&startPosition=earliest&reconnectDelay=50",
                db);
    }

    @Test
    void restartContinuesExactlyAfterTheLastProcessedEventWithFilePositions() throws Exception {
        restartContinuesExactly("file_restart", () -> new FileResumeStrategy(offsets));
    }

    @Test
    void restartContinuesExactlyAfterTheLastProcessedEventWithZooKeeperPositions() throws Exception {
        restartContinuesExactly("zk_restart", () -> new ZooKeeperResumeStrategy(zooKeeper.getConnectString()));
    }

    private void restartContinuesExactly(String table, Supplier<BatchingResumeStrategy> strategy) throws Exception {
        db.execute("CREATE TABLE shop." + table + " (id INT PRIMARY KEY)");
        List<Integer> all = new ArrayList<>();
        try (ResumableRun first = new ResumableRun(uri(table), strategy.get(), "id", id -> false)) {
            db.execute("INSERT INTO shop." + table + " VALUES (1)");
            db.executeInTransaction("INSERT INTO shop." + table + " VALUES (2), (3)",
                    "INSERT INTO shop." + table + " VALUES (4)");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.processed.size() >= 4);
            all.addAll(first.processed);
        }
        // written while the route is down
        db.executeInTransaction("INSERT INTO shop." + table + " VALUES (5), (6), (7)");
        db.execute("INSERT INTO shop." + table + " VALUES (8)");
        try (ResumableRun second = new ResumableRun(uri(table), strategy.get(), "id", id -> false)) {
            db.execute("INSERT INTO shop." + table + " VALUES (9)");
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains(9));
            all.addAll(second.processed);
        }
        assertThat(all).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void aFailedExchangeInsideATransactionIsNotStoredAndIsDeliveredAgainAfterRestart() throws Exception {
        db.execute("CREATE TABLE shop.failing (id INT PRIMARY KEY)");
        List<Integer> all = new ArrayList<>();
        try (ResumableRun first = new ResumableRun(uri("failing"), new FileResumeStrategy(offsets), "id", id -> id == 6)) {
            // one transaction of ten rows; the target rejects the sixth, every time it is offered
            StringBuilder values = new StringBuilder();
            for (int i = 1; i <= 10; i++) {
                values.append(i == 1 ? "" : ",").append('(').append(i).append(')');
            }
            db.execute("INSERT INTO shop.failing VALUES " + values);
            await().atMost(Duration.ofSeconds(20)).until(() -> first.failures.get() >= 2);
            // retried from the last processed row: rows 1-5 are not offered twice, row 6 never passes
            assertThat(first.processed).containsExactly(1, 2, 3, 4, 5);
            all.addAll(first.processed);
        }
        try (ResumableRun second = new ResumableRun(uri("failing"), new FileResumeStrategy(offsets), "id", id -> false)) {
            db.execute("INSERT INTO shop.failing VALUES (11)");
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains(11));
            all.addAll(second.processed);
        }
        assertThat(all).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    }

    @Test
    void zooKeeperStoppedAndRestartedMidStreamHoldsTheStreamAndLosesNothing() throws Exception {
        db.execute("CREATE TABLE shop.zk_outage (id INT PRIMARY KEY)");
        ZooKeeperResumeStrategy positions = new ZooKeeperResumeStrategy(zooKeeper.getConnectString());
        positions.setMaxUnstored(10);
        positions.setRetryMillis(100);
        positions.setSessionTimeoutMillis(60_000);
        List<Integer> all = new ArrayList<>();
        try (ResumableRun first = new ResumableRun(uri("zk_outage"), positions, "id", id -> false)) {
            for (int i = 1; i <= 5; i++) {
                db.execute("INSERT INTO shop.zk_outage VALUES (" + i + ")");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> first.processed.size() >= 5);
            await().atMost(Duration.ofSeconds(20)).until(() -> positions.unstoredCount() == 0);

            zooKeeper.stop();
            for (int i = 6; i <= 40; i++) {
                db.execute("INSERT INTO shop.zk_outage VALUES (" + i + ")");
            }
            // docs/resume.md: maxUnstored (10) positions wait for ZooKeeper, the next exchange is processed and its
            // hand-over held: exactly 11 rows after the last stored one, then the stream stops running ahead
            await().atMost(Duration.ofSeconds(20)).until(() -> first.processed.size() >= 16);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> first.processed.size() == 16);
            assertThat(positions.unstoredCount()).isEqualTo(10);

            zooKeeper.restart();
            await().atMost(Duration.ofSeconds(60)).until(() -> first.processed.size() >= 40);
            all.addAll(first.processed);
        }
        try (ResumableRun second = new ResumableRun(uri("zk_outage"),
                new ZooKeeperResumeStrategy(zooKeeper.getConnectString()), "id", id -> false)) {
            db.execute("INSERT INTO shop.zk_outage VALUES (41)");
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains(41));
            all.addAll(second.processed);
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= 41; i++) {
            expected.add(i);
        }
        assertThat(all).isEqualTo(expected);
    }

    /**
     * A row the dead-letter channel took counts as handled: the next processed row's position covers it, so a restart
     * does not offer it again. Camel stores no position for the handled exchange itself, so when it was the last one
     * before the stop it goes to the dead-letter channel again.
     */
    @Test
    void aDeadLetterChannelMovesThePositionOn() throws Exception {
        db.execute("CREATE TABLE shop.dead_letter (id INT PRIMARY KEY)");
        List<Integer> processed = new CopyOnWriteArrayList<>();
        List<Integer> dead = new CopyOnWriteArrayList<>();
        IntPredicate rejected = id -> id == 2 || id == 4;
        Supplier<CamelContext> run = () -> {
            CamelContext context = new DefaultCamelContext();
            try {
                context.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        errorHandler(deadLetterChannel("direct:dead"));
                        from("direct:dead").process(e -> dead.add(id(e)));
                        from(uri("dead_letter")).resumable(new FileResumeStrategy(offsets)).process(e -> {
                            if (rejected.test(id(e))) {
                                throw new IllegalStateException("target rejected row " + id(e));
                            }
                            processed.add(id(e));
                        });
                    }
                });
                context.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return context;
        };
        CamelContext first = run.get();
        for (int id = 1; id <= 4; id++) {
            db.execute("INSERT INTO shop.dead_letter VALUES (" + id + ")");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> dead.contains(4));
        assertThat(processed).containsExactly(1, 3);
        assertThat(dead).containsExactly(2, 4);
        first.stop();

        processed.clear();
        dead.clear();
        CamelContext second = run.get();
        try {
            db.execute("INSERT INTO shop.dead_letter VALUES (5)");
            await().atMost(Duration.ofSeconds(20)).until(() -> processed.contains(5));
            // row 2 is behind the stored position of row 3; row 4 was the last one, its position never stored
            assertThat(dead).containsExactly(4);
            assertThat(processed).containsExactly(5);
        } finally {
            second.stop();
        }
    }

    private static int id(org.apache.camel.Exchange e) {
        return ((Number) e.getMessage().getBody(ChangeEvent.class).after().get("id")).intValue();
    }

    /** With gtidMode the stored position carries the server's GTID set, and a restart reconnects by it. */
    @Test
    void gtidModeRestartsByGtidSetExactlyAfterTheLastProcessedRow() throws Exception {
        db.execute("CREATE TABLE shop.gtid_restart (id INT PRIMARY KEY)");
        String uri = MysqlBinlogStreamTest.uri("gtid_restart", "includeTables=shop\\.gtid_restart&gtidMode=true"
                                                            + "&reconnectDelay=50", db);
        List<Integer> all = new ArrayList<>();
        try (ResumableRun first = new ResumableRun(uri, new FileResumeStrategy(offsets), "id", id -> false)) {
            db.execute("INSERT INTO shop.gtid_restart VALUES (1)");
            db.executeInTransaction("INSERT INTO shop.gtid_restart VALUES (2), (3)");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.processed.size() >= 3);
            all.addAll(first.processed);
        }
        var stored = io.cameldblog.core.json.ChangeEventJson.parseObject(
                java.nio.file.Files.readAllBytes(offsets.resolve("gtid_restart.json")));
        @SuppressWarnings("unchecked")
        var position = (java.util.Map<String, Object>) stored.get("position");
        assertThat((String) position.get("gtids")).as("MariaDB GTID set domain-server-sequence").matches("\\d+-\\d+-\\d+.*");

        db.execute("INSERT INTO shop.gtid_restart VALUES (4)");
        try (ResumableRun second = new ResumableRun(uri, new FileResumeStrategy(offsets), "id", id -> false)) {
            db.execute("INSERT INTO shop.gtid_restart VALUES (5)");
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains(5));
            all.addAll(second.processed);
        }
        assertThat(all).containsExactly(1, 2, 3, 4, 5);
    }
}
