package io.cameldblog.routes;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stop while the position store is down, or while the source server hangs: the packaged app still ends within
 * its shutdown timeout ({@code DBLOG_SHUTDOWN_TIMEOUT}), and says which positions it could not store (the next
 * start replays from the last stored one).
 */
class ShutdownBoundedIT {

    private static final int SHUTDOWN_TIMEOUT_SECONDS = 10;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private SandboxMariaDb db;
    private TestingServer zooKeeper;
    private AppProcess app;
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private Thread writer;

    @AfterEach
    void stop() throws Exception {
        writing.set(false);
        if (writer != null) {
            writer.join(10_000);
        }
        if (app != null) {
            app.close();
        }
        if (zooKeeper != null) {
            zooKeeper.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aStopWhileTheSourceServerHangsEndsInTime() throws Exception {
        Path jsonl = startWithWriter();
        ProcessHandle mariadbd = ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").endsWith("mariadbd")).findFirst().orElseThrow();
        // the server stops answering without closing anything, as a hung host or a frozen VM
        new ProcessBuilder("kill", "-STOP", String.valueOf(mariadbd.pid())).start().waitFor();
        try {
            long stoppedAt = System.nanoTime();
            app.process.destroy();
            assertThat(app.process.waitFor(SHUTDOWN_TIMEOUT_SECONDS + 15, TimeUnit.SECONDS))
                    .as("ends on SIGTERM though MariaDB hangs").isTrue();
            long tookMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
            System.out.printf("stopped in %d ms with MariaDB hanging%n", tookMillis);
            assertThat(tookMillis).isLessThan((SHUTDOWN_TIMEOUT_SECONDS + 5) * 1000L);
            assertThat(AppProcess.insertedIds(jsonl, "orders")).isNotEmpty();
        } finally {
            new ProcessBuilder("kill", "-CONT", String.valueOf(mariadbd.pid())).start().waitFor();
        }
    }

    @Test
    void aStopWithTheStoreDownEndsInTimeAndNamesWhatWasNotStored() throws Exception {
        Path jsonl = startWithWriter();
        zooKeeper.stop();
        int atStop = AppProcess.insertedIds(jsonl, "orders").size();
        // events keep being processed while their positions wait for the store
        await().atMost(Duration.ofSeconds(30)).until(() -> AppProcess.insertedIds(jsonl, "orders").size() > atStop + 5);

        long stoppedAt = System.nanoTime();
        app.process.destroy();
        assertThat(app.process.waitFor(SHUTDOWN_TIMEOUT_SECONDS + 15, TimeUnit.SECONDS))
                .as("ends on SIGTERM though ZooKeeper is down").isTrue();
        long tookMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
        System.out.printf("stopped in %d ms with ZooKeeper down%n", tookMillis);
        assertThat(tookMillis).isLessThan((SHUTDOWN_TIMEOUT_SECONDS + 5) * 1000L);
        String console = app.logText();
        String shutdown = console.substring(console.indexOf("triggered by SIGTERM"));
        // the strategy names the endpoint of route mysql-shop, the position and the store when its reader stops
        assertThat(shutdown).as("names what it could not store").containsPattern(
                "shop: position mysql-bin\\.\\d+:\\d+ not stored in ZooKeeper \\S+ when its reader stopped");
    }

    /** MariaDB with a writer inserting an order every 50 ms, the app streaming them with positions in ZooKeeper. */
    private Path startWithWriter() throws Exception {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id BIGINT PRIMARY KEY)");
        zooKeeper = new TestingServer(true);
        writer = new Thread(() -> {
            try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
                for (long id = 1; writing.get(); id++) {
                    s.execute("INSERT INTO shop.orders VALUES (" + id + ")");
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                // the test ends the writer by stopping or freezing the server under it
            }
        }, "writer");
        writer.setDaemon(true);
        writer.start();
        app = AppProcess.start(dir, dir.resolve("app.log"), Map.of(
                "MYSQL_ENABLED", "true",
                "MYSQL_HOST", db.host(),
                "MYSQL_PORT", String.valueOf(db.port()),
                "MYSQL_USERNAME", SandboxMariaDb.USER,
                "MYSQL_PASSWORD", SandboxMariaDb.PASSWORD,
                "MYSQL_START_POSITION", "earliest",
                "DBLOG_ZOOKEEPER", zooKeeper.getConnectString(),
                "DBLOG_SHUTDOWN_TIMEOUT", String.valueOf(SHUTDOWN_TIMEOUT_SECONDS)));
        Path jsonl = dir.resolve("out/mysql-shop.jsonl");
        await().atMost(Duration.ofSeconds(90)).until(() -> AppProcess.insertedIds(jsonl, "orders").size() >= 20);
        return jsonl;
    }
}
