package io.cameldblog.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Runs {@link CrashTestRoute} in a child JVM and kills it with {@code kill -9} once it has delivered a random number
 * of rows in that run (so every kill lands while the child streams), again and again, while {@code writer} inserts
 * rows with keys 1..rows; then lets a last run catch up. The result holds every run's deliveries in order, with their
 * payloads, so each killed run's replay can be checked on its own.
 */
public final class CrashLoop {

    /** One delivered row: its key and its payload (the row's values as JSON). */
    public record Delivery(int key, String payload) {
    }

    /** Every run's deliveries, in the order the route processed them. */
    public record Result(List<List<Delivery>> runs, int rows, int kills) {

        public Map<Integer, Integer> counts() {
            Map<Integer, Integer> counts = new HashMap<>();
            runs.forEach(run -> run.forEach(d -> counts.merge(d.key(), 1, Integer::sum)));
            return counts;
        }

        public List<Integer> missing() {
            Map<Integer, Integer> counts = counts();
            List<Integer> missing = new ArrayList<>();
            for (int id = 1; id <= rows; id++) {
                if (!counts.containsKey(id)) {
                    missing.add(id);
                }
            }
            return missing;
        }

        public long duplicates() {
            return counts().values().stream().mapToLong(c -> c - 1).sum();
        }

        /** How many rows the run after each killed run delivered again. */
        public List<Integer> replayedPerKill() {
            List<Integer> replayed = new ArrayList<>();
            Set<Integer> seen = new HashSet<>();
            for (int r = 0; r < runs.size(); r++) {
                if (r > 0) {
                    int again = 0;
                    while (again < runs.get(r).size() && seen.contains(runs.get(r).get(again).key())) {
                        again++;
                    }
                    replayed.add(again);
                }
                runs.get(r).forEach(d -> seen.add(d.key()));
            }
            return replayed;
        }

        /**
         * What breaks "a kill -9 repeats only the rows processed after the last stored position, at most
         * {@code bound} of them": per killed run, the next run must begin with rows processed before, in the same
         * order with the same payloads, starting somewhere in the last {@code bound} rows of the stream so far (the
         * rows after the stored position) and running on from there; then deliver nothing twice. A run killed while
         * it was still replaying stored nothing new, so the run after it may replay from the same place again.
         * Empty when the rule holds.
         */
        public List<String> replayViolations(int bound) {
            List<String> violations = new ArrayList<>();
            // the stream as processed so far: each row once, in the order it was first delivered
            List<Delivery> history = new ArrayList<>();
            Map<Integer, Integer> index = new HashMap<>();
            for (int r = 0; r < runs.size(); r++) {
                List<Delivery> run = runs.get(r);
                if (r < kills && run.isEmpty()) {
                    violations.add("run " + r + " was killed before it delivered anything");
                }
                int again = 0;
                while (again < run.size() && index.containsKey(run.get(again).key())) {
                    again++;
                }
                if (r > 0 && again > 0) {
                    int from = index.get(run.get(0).key());
                    if (history.size() - from > bound) {
                        violations.add("run " + r + " started " + (history.size() - from) + " rows back, more than "
                                       + bound);
                    }
                    int end = Math.min(history.size(), from + again);
                    if (from + again > history.size() || !run.subList(0, again).equals(history.subList(from, end))) {
                        violations.add("run " + r + " replayed " + run.subList(0, Math.min(again, 5))
                                       + "... instead of the rows from " + history.get(from) + " on in the order"
                                       + " they were processed");
                    } else if (end < history.size() && again < run.size()) {
                        violations.add("run " + r + " skipped from " + history.get(end - 1) + " to new rows,"
                                       + " leaving out " + (history.size() - end) + " processed after it");
                    }
                }
                for (Delivery d : run.subList(again, run.size())) {
                    if (index.containsKey(d.key())) {
                        violations.add("run " + r + " delivered key " + d.key() + " again after its replay");
                        break;
                    }
                    index.put(d.key(), history.size());
                    history.add(d);
                }
            }
            return violations;
        }
    }

    private final Path dir;
    private final String uri;
    private final String keyField;
    private final int maxUnstored;
    private final String zooKeeper;

    /**
     * @param maxUnstored     the strategy's bound (default writer otherwise): what a kill may replay at most, + 1
     * @param zooKeeperOrNull positions in ZooKeeper at this connect string, else in files under {@code dir}
     */
    public CrashLoop(Path dir, String uri, String keyField, int maxUnstored, String zooKeeperOrNull) {
        this.dir = dir;
        this.uri = uri;
        this.keyField = keyField;
        this.maxUnstored = maxUnstored;
        this.zooKeeper = zooKeeperOrNull;
    }

    public Result run(int rows, int kills, Runnable writer) throws Exception {
        Random random = new Random(42);
        Path out = dir.resolve("deliveries.txt");
        Files.createFile(out);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(writer);
        for (int kill = 0; kill < kills; kill++) {
            Process route = start(out, kill);
            int run = kill;
            // the kill lands while this run streams: after it delivered this many rows of its own
            int killAfter = 300 + random.nextInt(3000);
            try {
                await().atMost(Duration.ofSeconds(120)).until(() -> delivered(out, run) >= killAfter);
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
            await().atMost(Duration.ofSeconds(180)).until(() -> read(out, kills + 1).stream()
                    .flatMap(List::stream).map(Delivery::key).distinct().count() >= rows);
        } finally {
            last.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        Result result = new Result(read(out, kills + 1), rows, kills);
        System.out.printf("crash loop %s: %d rows, %d kills, rows delivered again per kill %s (maxUnstored %d)%n",
                uri.substring(0, uri.indexOf(':')), rows, kills, result.replayedPerKill(), maxUnstored);
        return result;
    }

    private Process start(Path out, int run) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                CrashTestRoute.class.getName(), uri, out.toString(), dir.resolve("offsets").toString(),
                String.valueOf(maxUnstored), keyField, String.valueOf(run)));
        if (zooKeeper != null) {
            command.add(zooKeeper);
        }
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("route-" + run + ".log").toFile()).start();
    }

    private static long delivered(Path out, int run) throws IOException {
        String prefix = run + "\t";
        try (var lines = Files.lines(out)) {
            return lines.filter(l -> l.startsWith(prefix)).count();
        }
    }

    /** Lines "run TAB key TAB payload"; a line torn by the kill (no payload end) is not a delivery. */
    private static List<List<Delivery>> read(Path out, int runs) throws IOException {
        List<List<Delivery>> result = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            result.add(new ArrayList<>());
        }
        for (String line : Files.readAllLines(out)) {
            String[] parts = line.split("\t", 3);
            if (parts.length == 3 && parts[2].endsWith("}")) {
                result.get(Integer.parseInt(parts[0])).add(new Delivery(Integer.parseInt(parts[1]), parts[2]));
            }
        }
        return result;
    }
}
