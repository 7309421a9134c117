package io.cameldblog.routes;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.cameldblog.core.resume.BatchingResumeStrategy;
import io.cameldblog.sandbox.SandboxMariaDb;
import io.cameldblog.sandbox.SandboxPostgres;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the packaged app with {@code DBLOG_CLUSTER} set, a writer inserting orders all along: the leader
 * is killed with kill -9 three times (and started again as the standby each time), then stopped with SIGTERM.
 * Every row arrives, duplicates only where a killed leader had not stored its last position, and the standby
 * takes over within 10 s of a kill (the cluster session timeout the app sets) and within 3 s of a clean stop.
 */
class HighAvailabilityAppIT {

    private static final Duration KILL_TAKEOVER = Duration.ofSeconds(10);
    private static final Duration STOP_TAKEOVER = Duration.ofSeconds(3);
    /** The writer's pace: a row every 40 ms (plus the insert's own time). */
    private static final long WRITER_PAUSE_MILLIS = 40;
    /**
     * What docs/resume.md promises a kill -9 replays at the app's default positions settings: the rows handed over
     * since the last write began (at most one write interval's worth at this pace), the one that write was storing,
     * and the event processed but not handed over yet.
     */
    private static final long MAX_DUPLICATES_PER_HANDOVER =
            (BatchingResumeStrategy.DEFAULT_WRITE_INTERVAL_MILLIS + WRITER_PAUSE_MILLIS - 1) / WRITER_PAUSE_MILLIS + 2;

    /** Kept when the test fails: the instances' consoles say what happened at each handover. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private AutoCloseable server;
    private TestingServer zooKeeper;
    private final List<AppProcess> apps = new ArrayList<>();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicLong lastWritten = new AtomicLong();
    private Thread writer;

    @AfterEach
    void stopAll() throws Exception {
        writing.set(false);
        if (writer != null) {
            writer.join(10_000);
        }
        for (AppProcess app : apps) {
            app.close();
        }
        if (zooKeeper != null) {
            zooKeeper.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A source server, the route of the example app that reads it, and a writer of rows with counting ids. */
    record Source(String route, String table, Map<String, String> env, Callable<Connection> connection,
                  String insert) {
    }

    @Test
    void mysqlTheStandbyTakesOverAfterEachKillAndAfterACleanStopWithEveryRowOnce() throws Exception {
        SandboxMariaDb db = SandboxMariaDb.start();
        server = db;
        db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, sku VARCHAR(20))");
        failoverUnderWrites(new Source("mysql-shop", "orders", Map.of(
                "MYSQL_ENABLED", "true",
                "MYSQL_HOST", db.host(),
                "MYSQL_PORT", String.valueOf(db.port()),
                "MYSQL_USERNAME", SandboxMariaDb.USER,
                "MYSQL_PASSWORD", SandboxMariaDb.PASSWORD,
                "MYSQL_INCLUDE_TABLES", "shop\\.orders",
                "MYSQL_START_POSITION", "earliest"),
                db::rootConnection, "INSERT INTO shop.orders VALUES (%d, 'sku')"));
    }

    /**
     * The same with a PostgreSQL slot: the killed leader's connection holds the slot until the server notices it is
     * gone (at once on one host, where the kernel closes the socket; up to {@code wal_sender_timeout} across a
     * network), and the new leader's consumer waits for it or fails and Camel's master: retries.
     */
    @Test
    void pgwalTheStandbyTakesOverAfterEachKillAndAfterACleanStopWithEveryRowOnce() throws Exception {
        SandboxPostgres pg = SandboxPostgres.start();
        server = pg;
        pg.createDatabase("billing");
        try (Connection c = pg.connect("billing"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices (id bigint PRIMARY KEY, amount numeric(10,2))");
        }
        failoverUnderWrites(new Source("pg-billing", "invoices", Map.of(
                "PG_ENABLED", "true",
                "PG_HOST", pg.host(),
                "PG_PORT", String.valueOf(pg.port()),
                "PG_DATABASE", "billing",
                "PG_USERNAME", pg.user(),
                "PG_PASSWORD", pg.password(),
                "PG_START_POSITION", "earliest"),
                () -> pg.connect("billing"), "INSERT INTO invoices VALUES (%d, 1.50)"));
    }

    private void failoverUnderWrites(Source source) throws Exception {
        // tickTime 2000 as ZooKeeper's sample configuration: sessions of 4 to 40 s. Without an fsync per write:
        // the app stores a position per event, and the writer must not outrun it on a busy 2-core machine
        System.setProperty("zookeeper.forceSync", "no");
        zooKeeper = new TestingServer(new InstanceSpec(dir.resolve("zk").toFile(), -1, -1, -1, true, -1, 2000, -1),
                true);
        // the first leader creates what the source needs (a slot) and streams from the first row
        List<Run> runs = new ArrayList<>();
        Run leader = start(runs, "node-a", source);
        await().atMost(Duration.ofSeconds(90)).until(() -> leader.app.logText().contains("Consumer started"));
        startWriter(source);
        await().atMost(Duration.ofSeconds(90)).until(() -> leader.ids().size() >= 20);
        Run standby = start(runs, "node-b", source);
        awaitStandby(standby);
        // the leader reports its role, UP while its change stream is connected
        assertThat(leader.app.get("/observe/health?exposureLevel=full&data=true"))
                .contains("\"status\":\"UP\"", "\"" + source.route() + "\":\"leader\"");

        List<Run> leaders = new ArrayList<>(List.of(leader));
        Run current = leader;
        Run spare = standby;
        for (int kill = 1; kill <= 3; kill++) {
            current.app.kill();
            long killedAt = System.nanoTime();
            Run next = spare;
            await().atMost(KILL_TAKEOVER).pollInterval(Duration.ofMillis(100)).until(() -> !next.ids().isEmpty());
            long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.printf("kill -9 #%d at %s: %s took over after %d ms%n", kill, java.time.LocalTime.now()
                    .minusNanos(takeoverMillis * 1_000_000), next.name, takeoverMillis);
            next.app.logText().lines().filter(l -> l.contains("Leadership taken") || l.contains("starting from"))
                    .forEach(System.out::println);
            assertThat(next.app.logText()).contains("Leadership taken");
            leaders.add(next);
            spare = start(runs, current.name, source);
            awaitStandby(spare);
            current = next;
        }

        // a clean stop hands over at once: the leader gives up its ZooKeeper session on the way out
        Run next = spare;
        long stoppedAt = System.nanoTime();
        current.app.process.destroy();
        await().atMost(STOP_TAKEOVER).pollInterval(Duration.ofMillis(50)).until(() -> !next.ids().isEmpty());
        System.out.printf("SIGTERM: %s took over after %d ms%n", next.name, (System.nanoTime() - stoppedAt) / 1_000_000);
        assertThat(current.app.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        leaders.add(next);

        writing.set(false);
        writer.join(10_000);
        long last = lastWritten.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> next.ids().contains(last));

        // every row, in order within each leader's run; a run starts where the one before it stored its position
        TreeSet<Long> all = new TreeSet<>();
        List<Long> duplicates = new ArrayList<>();
        long previousLast = 0;
        for (Run run : leaders) {
            List<Long> ids = run.ids();
            assertThat(ids).as("%s's events in order, none twice", run.name).isSorted().doesNotHaveDuplicates();
            assertThat(ids.get(0)).as("%s starts with no gap after the previous leader", run.name)
                    .isLessThanOrEqualTo(previousLast + 1);
            long overlap = ids.stream().filter(all::contains).count();
            assertThat(overlap).as("%s repeats only the previous leader's unstored events", run.name)
                    .isLessThanOrEqualTo(MAX_DUPLICATES_PER_HANDOVER);
            if (run != leaders.get(0)) {
                duplicates.add(overlap);
            }
            all.addAll(ids);
            previousLast = ids.get(ids.size() - 1);
        }
        List<Long> expected = new ArrayList<>();
        for (long id = 1; id <= last; id++) {
            expected.add(id);
        }
        assertThat(new ArrayList<>(all)).as("every row arrived").isEqualTo(expected);
        System.out.printf("%d rows, duplicates per handover %s (at most %d)%n", last, duplicates,
                MAX_DUPLICATES_PER_HANDOVER);
        // the standbys never read: only the leaders' runs have output
        for (Run run : runs) {
            if (!leaders.contains(run)) {
                assertThat(run.ids()).as("%s stood by", run.name).isEmpty();
            }
        }
    }

    /**
     * Until the instance reports itself as an UP standby, and has settled: a standby normally idles for a long
     * time before it takes over, not in the CPU burst of its own JVM start (the machine may have only 2 cores).
     */
    private void awaitStandby(Run run) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String health = run.app.get("/observe/health?exposureLevel=full&data=true");
            return health != null && health.contains("\"status\":\"UP\"") && health.contains("standby");
        });
        AtomicLong cpuMillis = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            long now = run.app.process.info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
            long before = cpuMillis.getAndSet(now);
            return before >= 0 && now - before < 100;
        });
    }

    private Run start(List<Run> runs, String name, Source source) throws Exception {
        Path work = dir.resolve("run-" + runs.size() + "-" + name);
        Map<String, String> env = new java.util.HashMap<>(source.env());
        env.put("DBLOG_CLUSTER", zooKeeper.getConnectString());
        env.put("DBLOG_INSTANCE_ID", name);
        env.put("DBLOG_PROGRESS_MILLIS", "1000");
        Run run = new Run(name, work, AppProcess.start(work, work.resolve("app.log"), env), source);
        apps.add(run.app);
        runs.add(run);
        return run;
    }

    private void startWriter(Source source) {
        writer = new Thread(() -> {
            try (Connection c = source.connection().call(); Statement s = c.createStatement()) {
                long id = 0;
                while (writing.get()) {
                    id++;
                    s.execute(String.format(source.insert(), id));
                    lastWritten.set(id);
                    Thread.sleep(WRITER_PAUSE_MILLIS);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "writer");
        writer.start();
    }

    /** One process run of one instance, with its own output directory. */
    record Run(String name, Path work, AppProcess app, Source source) {
        List<Long> ids() throws java.io.IOException {
            return AppProcess.insertedIds(work.resolve("out/" + source.route() + ".jsonl"), source.table());
        }
    }
}
