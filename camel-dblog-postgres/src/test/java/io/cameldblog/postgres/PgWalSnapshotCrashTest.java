package io.cameldblog.postgres;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.cameldblog.sandbox.SandboxPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.cameldblog.postgres.PgTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An initial snapshot of 500 000 rows under a writer, with the route killed (kill -9) twice while the snapshot runs
 * and once after it: the table rebuilt from every run's events equals the real one, and each restart re-reads no
 * more than the chunk that was in flight.
 */
class PgWalSnapshotCrashTest {

    private static final String DB = "snapcrash";
    private static final int ROWS = 500_000;
    private static final int CHUNK = 1024;
    private static final int MAX_UNSTORED = 1000;
    private static SandboxPostgres pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        pg = SandboxPostgres.start();
        pg.createDatabase(DB);
        sql(pg, DB, "CREATE TABLE big (id int PRIMARY KEY, v int, payload text)",
                "INSERT INTO big SELECT g, g % 1000, 'row ' || g FROM generate_series(1, " + ROWS + ") g");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    /** One line the child route wrote. */
    private record Delivery(int run, String op, int id, String value, String snapshot) {
    }

    /** The child routes' output file, read as it grows. */
    private static final class Deliveries {
        private final Path file;
        private long offset;
        private final StringBuilder partial = new StringBuilder();
        final List<Delivery> all = new ArrayList<>();

        Deliveries(Path file) {
            this.file = file;
        }

        synchronized List<Delivery> read() throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ch.position(offset);
                ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                int n;
                while ((n = ch.read(buf)) > 0) {
                    offset += n;
                    partial.append(new String(buf.array(), 0, n, StandardCharsets.UTF_8));
                    buf.clear();
                }
            }
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                String line = partial.substring(0, nl);
                partial.delete(0, nl + 1);
                String[] p = line.split("\t", -1);
                if (p.length == 6 && p[5].equals("end")) { // a line torn by a kill is no delivery
                    all.add(new Delivery(Integer.parseInt(p[0]), p[1], Integer.parseInt(p[2]), p[3], p[4]));
                }
            }
            return all;
        }

        long count(int run, String op) throws IOException {
            return read().stream().filter(d -> d.run() == run && d.op().equals(op)).count();
        }

        boolean snapshotDoneIn(int run) throws IOException {
            return read().stream().anyMatch(d -> d.run() == run && d.snapshot().equals("last"));
        }

        /** The table as a target applying every delivery in order would hold it. */
        Map<Integer, String> rebuilt() throws IOException {
            Map<Integer, String> rows = new HashMap<>();
            for (Delivery d : read()) {
                if (d.op().equals("d")) {
                    rows.remove(d.id());
                } else {
                    rows.put(d.id(), d.value());
                }
            }
            return rows;
        }
    }

    @Test
    void killNineTwiceDuringTheSnapshotAndOnceAfterItLosesNothingAndReReadsOnlyTheChunkInFlight() throws Exception {
        String uri = PgTestSupport.uri(pg, "crash", DB, "crash_slot",
                "includeTables=public\\.big&snapshotMode=initial&snapshotChunkSize=" + CHUNK);
        Path out = dir.resolve("deliveries.txt");
        Files.createFile(out);
        Deliveries deliveries = new Deliveries(out);
        long started = System.nanoTime();
        try (ConcurrentWriter writer = new ConcurrentWriter(pg, DB, "big", ROWS + 1, 3).pausing(2_000).start()) {
            for (int run = 0; run < 2; run++) {
                int r = run;
                Process route = start(uri, out, run);
                try {
                    // killed in the middle of the snapshot, a different place each time
                    await().atMost(Duration.ofSeconds(120)).conditionEvaluationListener(progress(deliveries, r)).until(() -> deliveries.count(r, "r") >= 90_000 + r * 37_000L);
                    assertThat(deliveries.snapshotDoneIn(r)).isFalse();
                } finally {
                    kill(route, out);
                }
            }
            Process route = start(uri, out, 2);
            try {
                await().atMost(Duration.ofSeconds(180)).conditionEvaluationListener(progress(deliveries, 2))
                        .until(() -> deliveries.snapshotDoneIn(2));
                long logged = deliveries.count(2, "u");
                // and once after the snapshot, while the stream goes on
                await().atMost(Duration.ofSeconds(60)).until(() -> deliveries.count(2, "u") > logged + 500);
            } finally {
                kill(route, out);
            }
        }
        Map<Integer, String> real = TableReplica.real(pg, DB, "big");
        Process last = start(uri, out, 3);
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> deliveries.rebuilt().equals(real));
        } finally {
            kill(last, out);
        }
        for (int run = 0; run <= 3; run++) {
            for (String line : Files.readAllLines(dir.resolve("route-" + run + ".log"))) {
                if (line.contains("ERROR") || line.contains("streaming slot") || line.contains("snapshot of public")) {
                    System.out.println("route " + run + ": " + line);
                }
            }
        }
        List<Delivery> all = deliveries.read();
        List<Integer> reReadPerKill = reRead(all);
        System.out.printf("snapshot crash loop: %d rows, %d deliveries, snapshot rows re-read after each kill %s,"
                          + " %d ms%n", ROWS, all.size(), reReadPerKill, (System.nanoTime() - started) / 1_000_000);
        assertThat(deliveries.rebuilt()).isEqualTo(real);
        // "no chunk read twice beyond the one in flight": each restart continues after the last stored row
        assertThat(reReadPerKill.subList(0, 2)).allMatch(n -> n <= CHUNK);
        assertThat(all.stream().filter(d -> d.run() == 3 && d.op().equals("r")))
                .as("the snapshot, complete before the third kill, is not taken again").isEmpty();
    }

    /** Every 10 s while waiting: how far the run got (a stuck run shows where). */
    private static org.awaitility.core.ConditionEvaluationListener<Object> progress(Deliveries deliveries, int run) {
        long[] next = { System.nanoTime() };
        return condition -> {
            if (System.nanoTime() - next[0] > 0) {
                next[0] = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                try {
                    System.out.printf("run %d after %d ms: %d snapshot rows, %d updates%n", run,
                            condition.getElapsedTimeInMS(), deliveries.count(run, "r"), deliveries.count(run, "u"));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** Per restart: how many op=r rows it delivered whose key an earlier run's snapshot had delivered already. */
    private static List<Integer> reRead(List<Delivery> all) {
        List<Integer> perRun = new ArrayList<>();
        Set<Integer> earlier = new HashSet<>();
        for (int run = 0; run <= 3; run++) {
            Set<Integer> thisRun = new HashSet<>();
            int again = 0;
            for (Delivery d : all) {
                if (d.run() == run && d.op().equals("r")) {
                    if (earlier.contains(d.id())) {
                        again++;
                    }
                    thisRun.add(d.id());
                }
            }
            if (run > 0) {
                perRun.add(again);
            }
            earlier.addAll(thisRun);
        }
        return perRun;
    }

    private Process start(String uri, Path out, int run) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SnapshotCrashRoute.class.getName(), uri, out.toString(), dir.resolve("offsets").toString(),
                String.valueOf(MAX_UNSTORED), String.valueOf(run))
                .redirectErrorStream(true).redirectOutput(dir.resolve("route-" + run + ".log").toFile()).start();
    }

    /** kill -9, then end a line the kill may have torn, so the next run's first line starts on its own. */
    private static void kill(Process route, Path out) throws Exception {
        route.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        Files.writeString(out, "\n", StandardOpenOption.APPEND);
    }
}
