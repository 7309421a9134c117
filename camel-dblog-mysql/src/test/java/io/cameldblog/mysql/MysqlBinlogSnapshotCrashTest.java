package io.cameldblog.mysql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cameldblog.sandbox.SandboxMariaDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A resumable route with {@code snapshotMode=initial} in a child JVM, killed with {@code kill -9} twice while it
 * reads the table's 500 000 rows and once after the snapshot, while a writer inserts, updates and deletes all
 * along: the table rebuilt from every run's events equals the real one, and each restart continues the snapshot
 * after the last stored row (a kill reads again at most the chunk in flight and the unstored rows).
 */
class MysqlBinlogSnapshotCrashTest {

    private static final int ROWS = 500_000;
    private static final int CHUNK = 1024;
    private static final int MAX_UNSTORED = 1000;

    static SandboxMariaDb db;

    @TempDir
    Path dir;

    /** One event as the child wrote it. */
    record Line(int run, String op, int id, String snapshot, String row) {
    }

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.crash (id INT PRIMARY KEY, k VARCHAR(20), qty INT, note VARCHAR(40))",
                "INSERT INTO shop.crash SELECT seq, CONCAT('k-', seq), seq % 100, 'loaded' FROM shop.seq_1_to_" + ROWS);
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    @Test
    void killNineTwiceDuringTheSnapshotAndOnceAfterStillRebuildsTheTableExactly() throws Exception {
        lines.clear();
        readBytes = 0;
        Path out = dir.resolve("events.txt");
        Files.createFile(out);
        long started = System.nanoTime();
        try (TableWriter writer = new TableWriter(db, "shop.crash", ROWS, 3)) {
            // two kills in the middle of the snapshot
            for (int run = 0; run < 2; run++) {
                int r = run;
                runUntil(out, run, () -> count(out, l -> l.run() == r && l.op().equals("r")) >= 20_000);
            }
            // one after it: the snapshot's last row delivered, then changes streamed by the same run
            runUntil(out, 2, () -> {
                List<Line> lines = read(out);
                int last = indexOfLast(lines);
                return last >= 0 && lines.get(last).run() == 2
                       && lines.subList(last, lines.size()).stream().filter(l -> !l.op().equals("r")).count() >= 300;
            });
            Process last = start(out, 3);
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> count(out, l -> l.run() == 3) >= 100);
                writer.stop();
                System.out.printf("snapshot crash loop: writer stopped at %tT.%<tL%n", System.currentTimeMillis());
                Map<Integer, String> real;
                try (Connection c = db.rootConnection()) {
                    real = RebuiltTable.read(c, "shop.crash");
                }
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> RebuiltTable.differences(real, rebuild(read(out))).isEmpty());
            } finally {
                last.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        List<Line> lines = read(out);
        Map<Integer, Integer> readBySnapshot = new HashMap<>();
        lines.stream().filter(l -> l.op().equals("r")).forEach(l -> readBySnapshot.merge(l.id(), 1, Integer::sum));
        long again = readBySnapshot.values().stream().mapToLong(c -> c - 1).sum();
        System.out.printf("snapshot crash loop: %d rows, 3 kills, %d rows read again by the snapshot, %d events, %d ms%n",
                ROWS, again, lines.size(), (System.nanoTime() - started) / 1_000_000);
        assertThat(again).as("rows the snapshot read again after the two kills during it")
                .isLessThanOrEqualTo(2L * (CHUNK + MAX_UNSTORED));
        // each restart continued the snapshot: its first row is far past the table's first
        for (int run = 1; run <= 2; run++) {
            int r = run;
            Line first = lines.stream().filter(l -> l.run() == r && l.op().equals("r")).findFirst().orElseThrow();
            assertThat(first.id()).as("first row read by run %d", run).isGreaterThan(10_000);
        }
        assertThat(lines.stream().filter(l -> "last".equals(l.snapshot())).count()).as("snapshot completions")
                .isEqualTo(1);
        assertThat(lines.stream().filter(l -> l.run() == 3 && l.op().equals("r")).count())
                .as("rows read by the snapshot after the kill that followed it").isZero();
    }

    private void runUntil(Path out, int run, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        Process route = start(out, run);
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(condition);
        } catch (RuntimeException e) {
            System.out.println(Files.readString(dir.resolve("route-" + run + ".log")));
            throw e;
        } finally {
            route.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        System.out.printf("snapshot crash loop: run %d killed at %tT.%<tL%n", run, System.currentTimeMillis());
    }

    private Process start(Path out, int run) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SnapshotCrashRoute.class.getName(), uri(),
                out.toString(), dir.resolve("offsets").toString(), String.valueOf(MAX_UNSTORED), String.valueOf(run))
                .redirectErrorStream(true).redirectOutput(dir.resolve("route-" + run + ".log").toFile()).start();
    }

    private static String uri() {
        return MysqlBinlogStreamTest.uri("crash", "includeTables=shop\\.crash&snapshotMode=initial&snapshotChunkSize="
                                                  + CHUNK + "&reconnectDelay=100", db);
    }

    private static int indexOfLast(List<Line> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if ("last".equals(lines.get(i).snapshot())) {
                return i;
            }
        }
        return -1;
    }

    private static long count(Path out, java.util.function.Predicate<Line> which) throws IOException {
        return read(out).stream().filter(which).count();
    }

    /** Whole lines only (one the kill tore has no final dot); reads only what was appended since the last call. */
    private static synchronized List<Line> read(Path out) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(out)) {
            long size = ch.size();
            if (size > readBytes) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) (size - readBytes));
                ch.read(buffer, readBytes);
                String text = new String(buffer.array(), 0, buffer.position(), java.nio.charset.StandardCharsets.UTF_8);
                int end = text.lastIndexOf('\n');
                if (end >= 0) {
                    for (String l : text.substring(0, end).split("\n")) {
                        String[] p = l.split("\t", -1);
                        if (p.length == 6 && p[5].equals(".")) {
                            lines.add(new Line(Integer.parseInt(p[0]), p[1], Integer.parseInt(p[2]), p[3], p[4]));
                        }
                    }
                    readBytes += text.substring(0, end + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                }
            }
        }
        return new ArrayList<>(lines);
    }

    private static final List<Line> lines = new ArrayList<>();
    private static long readBytes;

    /** Every run's events applied in the order they were processed: r/c/u upsert, d deletes. */
    private static Map<Integer, String> rebuild(List<Line> lines) {
        Map<Integer, String> rows = new HashMap<>();
        for (Line l : lines) {
            if (l.op().equals("d")) {
                rows.remove(l.id());
            } else {
                rows.put(l.id(), l.row());
            }
        }
        return rows;
    }
}
