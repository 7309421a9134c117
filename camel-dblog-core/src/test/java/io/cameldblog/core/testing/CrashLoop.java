package io.cameldblog.core.testing;

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

import static org.awaitility.Awaitility.await;

/**
 * Runs {@link CrashTestRoute} in a child JVM and kills it with {@code kill -9} after a random number of
 * processed rows, again and again, while {@code writer} inserts rows with keys 1..rows; then lets a last run
 * catch up. The result counts how often each key arrived.
 */
public final class CrashLoop {

    /** How often each key arrived, over all runs. */
    public record Result(Map<Integer, Integer> counts, int rows, int kills) {

        public List<Integer> missing() {
            List<Integer> missing = new ArrayList<>();
            for (int id = 1; id <= rows; id++) {
                if (!counts.containsKey(id)) {
                    missing.add(id);
                }
            }
            return missing;
        }

        public long duplicates() {
            return counts.values().stream().mapToLong(c -> c - 1).sum();
        }
    }

    private final Path dir;
    private final String uri;
    private final String keyField;
    private final int batchSize;
    private final String zooKeeper;

    public CrashLoop(Path dir, String uri, String keyField, int batchSize, String zooKeeperOrNull) {
        this.dir = dir;
        this.uri = uri;
        this.keyField = keyField;
        this.batchSize = batchSize;
        this.zooKeeper = zooKeeperOrNull;
    }

    public Result run(int rows, int kills, Runnable writer) throws Exception {
        Random random = new Random(42);
        Path out = dir.resolve("keys.txt");
        Files.createFile(out);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(writer);
        for (int kill = 0; kill < kills; kill++) {
            Process route = start(out, kill);
            long killAt = lines(out) + 500 + random.nextInt(4000);
            try {
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> lines(out) >= killAt || writing.isDone() && counts(out).size() >= rows);
            } catch (RuntimeException e) {
                // the child's log says why it stopped making progress
                System.out.println(Files.readString(dir.resolve("route-" + kill + ".log")));
                throw e;
            } finally {
                route.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        writing.get(180, TimeUnit.SECONDS);
        Process last = start(out, kills);
        try {
            await().atMost(Duration.ofSeconds(180)).until(() -> counts(out).size() >= rows);
        } finally {
            last.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        return new Result(counts(out), rows, kills);
    }

    private Process start(Path out, int run) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                CrashTestRoute.class.getName(), uri, out.toString(), dir.resolve("offsets").toString(),
                String.valueOf(batchSize), keyField));
        if (zooKeeper != null) {
            command.add(zooKeeper);
        }
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("route-" + run + ".log").toFile()).start();
    }

    private static long lines(Path out) throws IOException {
        try (var lines = Files.lines(out)) {
            return lines.count();
        }
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
