package io.cameldblog.mysql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameldblog.sandbox.SandboxMariaDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The route runs in a child JVM that is killed with {@code kill -9} at random moments while a writer inserts 50 000
 * rows in transactions of 1 to 500 rows; each time it is started again. Afterwards every row is there, and the
 * only duplicates are rows processed after the last stored position of a killed run.
 */
class MysqlBinlogCrashTest {

    private static final int ROWS = 50_000;
    private static final int KILLS = 4;
    private static final int BATCH = 50;

    static SandboxMariaDb db;

    @TempDir
    Path dir;

    private TestingServer zooKeeper;
    private String table;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    @ParameterizedTest(name = "positions in {0}")
    @ValueSource(strings = { "files", "zookeeper" })
    void killNineAtRandomMomentsLosesNothingAndDuplicatesOnlyUnstoredRows(String store) throws Exception {
        zooKeeper = "zookeeper".equals(store) ? new TestingServer() : null;
        try {
            crashLoop(store);
        } finally {
            if (zooKeeper != null) {
                zooKeeper.close();
            }
        }
    }

    private void crashLoop(String store) throws Exception {
        table = "crash_" + store;
        db.execute("CREATE TABLE shop." + table + " (id INT PRIMARY KEY, payload VARCHAR(40))");
        Random random = new Random(42);
        Path out = dir.resolve("ids.txt");
        Files.createFile(out);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(table, new Random(7)));

        int kills = 0;
        while (kills < KILLS) {
            Process route = startRoute(out, kills);
            long seen = lines(out);
            long killAt = seen + 500 + random.nextInt(4000);
            await().atMost(Duration.ofSeconds(60)).until(() -> lines(out) >= killAt || writerDoneAndCaughtUp(writer, out));
            route.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            kills++;
        }
        writer.get(120, TimeUnit.SECONDS);

        Process last = startRoute(out, kills);
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> distinct(out) >= ROWS);
        } finally {
            last.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        Map<Integer, Integer> counts = counts(out);
        List<Integer> missing = new ArrayList<>();
        for (int id = 1; id <= ROWS; id++) {
            if (!counts.containsKey(id)) {
                missing.add(id);
            }
        }
        assertThat(missing).as("rows lost").isEmpty();
        assertThat(counts).hasSize(ROWS);
        long duplicates = counts.values().stream().mapToLong(c -> c - 1).sum();
        // a killed run repeats at most what it processed after its last stored position: fewer than BATCH rows
        assertThat(duplicates).as("rows delivered twice").isLessThanOrEqualTo((long) KILLS * BATCH);
        assertThat(counts.values()).allMatch(c -> c <= 1 + KILLS);
        System.out.printf("crash test (%s): %d rows, %d kills, %d duplicates%n", store, ROWS, KILLS, duplicates);
    }

    private static boolean writerDoneAndCaughtUp(CompletableFuture<Void> writer, Path out) throws IOException {
        return writer.isDone() && distinct(out) >= ROWS;
    }

    /** 50 000 rows in transactions of 1 to 500 rows. */
    private static void write(String table, Random random) {
        int next = 1;
        while (next <= ROWS) {
            int size = Math.min(1 + random.nextInt(500), ROWS - next + 1);
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < size; i++) {
                values.append(i == 0 ? "" : ",").append('(').append(next + i).append(",'row ").append(next + i)
                        .append("')");
            }
            db.executeInTransaction("INSERT INTO shop." + table + " VALUES " + values);
            next += size;
        }
    }

    private Process startRoute(Path out, int run) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                CrashTestRoute.class.getName(), db.host(), String.valueOf(db.port()), out.toString(),
                dir.resolve("offsets").toString(), String.valueOf(BATCH), table));
        if (zooKeeper != null) {
            command.add(zooKeeper.getConnectString());
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("route-" + run + ".log").toFile());
        return builder.start();
    }

    private static long lines(Path out) throws IOException {
        try (var lines = Files.lines(out)) {
            return lines.count();
        }
    }

    private static long distinct(Path out) throws IOException {
        return counts(out).size();
    }

    private static Map<Integer, Integer> counts(Path out) throws IOException {
        Map<Integer, Integer> counts = new HashMap<>();
        for (String line : Files.readAllLines(out)) {
            if (!line.isBlank()) {
                counts.merge(Integer.parseInt(line.trim()), 1, Integer::sum);
            }
        }
        return counts;
    }
}
