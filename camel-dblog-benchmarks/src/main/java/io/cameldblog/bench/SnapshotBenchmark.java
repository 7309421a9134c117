package io.cameldblog.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cameldblog.sandbox.SandboxZooKeeper;

/**
 * The initial snapshot of an existing table, per source, each reader in its own JVM ({@link Contender}, mode
 * {@code snapshot}): table {@code snap} of {@code rows} rows is loaded, the log is idle, and each reader counts
 * {@code rows} rows of {@code op = r}. Readers: the camel-dblog route with {@code snapshotMode=initial_only} at the
 * default chunk size, the same route resumable on ZooKeeper at its defaults, camel-debezium with
 * {@code snapshot.mode=initial}, and the camel-dblog route once more under {@value #SMALL_HEAP} of heap: it
 * finishes there only if it streams (a table of a million rows does not fit in it).
 * <p>
 * Per reader: rows/s from the first row to the last, times from JVM launch to the first and to the last row, peak
 * RSS, peak heap used and the largest heap left after a collection ({@link HeapWatch}); ratios are camel-dblog ÷
 * Debezium in the same run. {@code bench/run.sh --snapshot [rows] [--only=mysql|pg] [--profile]}.
 */
final class SnapshotBenchmark {

    static final int DEFAULT_ROWS = 1_000_000;
    private static final String HEAP = "1g";
    static final String SMALL_HEAP = "128m";
    private static final Path OUT = Path.of("camel-dblog-benchmarks", "target", "bench");

    /** One reader's JVM: which reader, at which {@code -Xmx}. */
    record Run(String reader, String heap) {
        /** Names its endpoint, slot and log: no two runs share a stored position or a slot. */
        String id() {
            return heap.equals(HEAP) ? reader : reader + "-" + heap;
        }
    }

    static final List<Run> RUNS = List.of(new Run("dblog", HEAP), new Run("dblog-zk", HEAP),
            new Run("debezium", HEAP), new Run("dblog", SMALL_HEAP));

    /** A run's figures, or why it has none ({@code failure}). */
    record Result(Run run, Map<String, String> values, long launchEpochMillis, String failure) {
        boolean complete() {
            return failure == null && "true".equals(values.get("complete")) && !repeated();
        }

        /** Fewer distinct keys than rows counted: some rows came twice, and rows/s would count them. */
        boolean repeated() {
            return values.containsKey("distinct") && !values.get("distinct").equals(values.get("events"));
        }

        String shortfall() {
            return failure != null ? failure
                    : repeated() ? values.get("events") + " rows, only " + values.get("distinct") + " distinct keys"
                    : "did not finish: " + values.get("events") + " rows";
        }

        long perSecond() {
            return Long.parseLong(values.get("perSecond"));
        }

        long toFirstMillis() {
            return Long.parseLong(values.get("firstEpochMillis")) - launchEpochMillis;
        }

        long toLastMillis() {
            return Long.parseLong(values.get("lastEpochMillis")) - launchEpochMillis;
        }

        long kb(String key) {
            return Long.parseLong(values.get(key));
        }
    }

    private SnapshotBenchmark() {
    }

    static void run(BenchSource source, String key, int rows, boolean profile, SandboxZooKeeper zooKeeper,
                    StringBuilder report) throws Exception {
        long t = System.nanoTime();
        source.loadSnapshotTable(rows);
        System.out.printf("%s: table of %d rows loaded in %.1f s%n", source.title(), rows,
                (System.nanoTime() - t) / 1e9);
        List<Result> results = new ArrayList<>();
        // a profile is of camel-dblog's route only, at the default heap
        for (Run run : profile ? List.of(RUNS.get(0)) : RUNS) {
            Map<String, String> args = source.snapshotArgs(run.reader(), run.id());
            args.put("mode", "snapshot");
            args.put("rows", String.valueOf(rows));
            args.put("snapshotMode", run.reader().equals("debezium") ? "initial" : "initial_only");
            args.put("zookeeper", zooKeeper.connectString());
            String label = key + "-snapshot-" + run.id();
            List<String> options = ChangeStreamBenchmark.jvmOptions(label, run.reader(), profile, run.heap());
            System.out.printf(Locale.ROOT, "  %-15s starts; load average %s%n", run.id(), loadAverage());
            ChildJvm child = ChildJvm.start(label, args, options, OUT);
            Result result;
            try {
                result = new Result(run, child.awaitResult(600 + rows / 1000), child.launchEpochMillis(), null);
            } catch (Exception e) {
                // a reader that cannot snapshot (or died) is a row of the table, not the end of the run
                result = new Result(run, Map.of(), child.launchEpochMillis(), e.getMessage());
            }
            results.add(result);
            System.out.printf(Locale.ROOT, "  %-15s %s%n", run.id(),
                    result.failure() != null ? result.failure() : result.values());
        }
        report.append(table(source.title(), rows, results));
    }

    private static String table(String title, int rows, List<Result> results) {
        Result debezium = results.stream().filter(r -> r.run().reader().equals("debezium") && r.complete())
                .findFirst().orElse(null);
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%s, initial snapshot of a %,d-row table%n%n", title, rows));
        t.append("| reader | -Xmx | rows/s | × Debezium | JVM start → first row | JVM start → last row | × Debezium |"
                 + " peak RSS | × Debezium | peak heap used | × Debezium | heap after GC, peak |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            if (!r.complete()) {
                t.append("| ").append(name(r.run().reader())).append(" | ").append(r.run().heap()).append(" | ")
                        .append(r.shortfall()).append(" | | | | | | | | | |\n");
                continue;
            }
            t.append(String.format(Locale.ROOT,
                    "| %s | %s | %,d | %s | %.1f s | %.1f s | %s | %d MB | %s | %d MB | %s | %d MB |%n",
                    name(r.run().reader()), r.run().heap(), r.perSecond(),
                    ratio(r.perSecond(), debezium == null ? 0 : debezium.perSecond()),
                    r.toFirstMillis() / 1000.0, r.toLastMillis() / 1000.0,
                    ratio(r.toLastMillis(), debezium == null ? 0 : debezium.toLastMillis()),
                    r.kb("rssKb") >> 10, ratio(r.kb("rssKb"), debezium == null ? 0 : debezium.kb("rssKb")),
                    r.kb("heapUsedKb") >> 10,
                    ratio(r.kb("heapUsedKb"), debezium == null ? 0 : debezium.kb("heapUsedKb")),
                    r.kb("heapAfterGcKb") >> 10));
        }
        return t.append('\n').toString();
    }

    private static String ratio(long value, long debezium) {
        return debezium <= 0 ? "—" : String.format(Locale.ROOT, "%.2f", (double) value / debezium);
    }

    private static String name(String reader) {
        return switch (reader) {
            case "dblog" -> "camel-dblog route, snapshotMode=initial_only";
            case "dblog-zk" -> "camel-dblog route, initial_only, resumable (ZooKeeper, defaults)";
            case "debezium" -> "camel-debezium route, snapshot.mode=initial";
            default -> reader;
        };
    }

    /** The machine's load before a reader starts (1, 5, 15 min; the machine may be shared). */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
