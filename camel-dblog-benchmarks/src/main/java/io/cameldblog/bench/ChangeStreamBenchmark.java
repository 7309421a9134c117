package io.cameldblog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.cameldblog.sandbox.SandboxZooKeeper;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;

/**
 * Side by side in one run, per source (MariaDB binlog, PostgreSQL pgoutput), each reader in its own JVM
 * ({@link Contender}): the raw client library, the camel-dblog route, the same route resumable with ZooKeeper at
 * its default settings, and the camel-debezium route.
 * <ul>
 * <li>Backlog: {@code rows} inserts in 1 000-row transactions, then {@code rows} one-row transactions, written
 * before any reader starts. Each part is read by a new JVM per reader, from where the part starts. Per reader:
 * events/s of each part, time from JVM launch to the first event, peak RSS. The resumable route reads the whole
 * backlog like the others (positions are stored off the stream's thread).</li>
 * <li>Latency: a writer at 1 000 and 10 000 rows/s stamps each row before the statement that commits it; the
 * route measures stamp to exchange, after a warm-up at the same rate. p50/p99 for the camel-dblog and the
 * Debezium route.</li>
 * </ul>
 * {@code bench/run.sh [rows] [latencySeconds] [--profile] [--only=mysql|pg] [--no-latency]
 * [--readers=dblog,dblog-zk]}. With {@code --profile} only the camel-dblog route runs (or the camel-dblog readers
 * named by {@code --readers}), recording JFR ({@code settings=profile}) into {@code camel-dblog-benchmarks/target/bench/}.
 * {@code --readers} runs only the named backlog readers (the table's ratios need {@code dblog} among them).
 * {@code bench/run.sh --snapshot [rows]} runs the initial snapshot of a table of {@code rows} rows instead
 * ({@link SnapshotBenchmark}, default 1 000 000 rows).
 */
public final class ChangeStreamBenchmark {

    static final List<String> READERS = List.of("raw", "dblog", "dblog-zk", "dblog-transient", "jsonl", "jsonl-zk",
            "debezium");
    /** The backlog's 1 000-row transactions, then its one-row transactions. */
    static final List<String> PARTS = List.of("batch", "single");
    private static final List<Integer> RATES = List.of(1_000, 10_000);
    /** The reader's JIT warms up on rows at the target rate before the measured ones. */
    private static final int WARM_UP_SECONDS = 3;
    private static final Path OUT = Path.of("camel-dblog-benchmarks", "target", "bench");
    /** {@code --jvm-option=...}: given to every reader's JVM (an experiment; the tables are taken without). */
    private static final List<String> EXTRA_JVM_OPTIONS = new ArrayList<>();

    private ChangeStreamBenchmark() {
    }

    /** One reader's two parts, each read by its own JVM; start to first event of the first part's JVM. */
    record Backlog(String reader, Map<String, String> batch, Map<String, String> single,
                   long startToFirstMillis) {
        boolean complete() {
            return "true".equals(batch.get("complete")) && "true".equals(single.get("complete"));
        }

        long batchPerSecond() {
            return Long.parseLong(batch.get("perSecond"));
        }

        long singlePerSecond() {
            return Long.parseLong(single.get("perSecond"));
        }

        /** Reader JVM's CPU time per event, in µs: the batch part's, the single part's (-1 if not measured). */
        double cpuMicros(Map<String, String> part) {
            return Long.parseLong(part.getOrDefault("cpuNsPerEvent", "-1000")) / 1000.0;
        }

        double streamCpuMicros(Map<String, String> part) {
            return Long.parseLong(part.getOrDefault("streamCpuNsPerEvent", "-1000")) / 1000.0;
        }

        long peakRssKb() {
            return Math.max(Long.parseLong(batch.get("rssKb")), Long.parseLong(single.get("rssKb")));
        }
    }

    record Latency(String reader, int rate, SteadyWriter.Run writer, Map<String, String> result) {
        double millis(String key) {
            return Long.parseLong(result.getOrDefault(key, "-1")) / 1000.0;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> plain = new ArrayList<>();
        boolean profile = false;
        boolean latency = true;
        boolean snapshot = false;
        String only = null;
        List<String> readers = null;
        int rounds = 1;
        for (String arg : args) {
            if (arg.equals("--profile")) {
                profile = true;
            } else if (arg.equals("--snapshot")) {
                snapshot = true;
            } else if (arg.equals("--no-latency")) {
                latency = false;
            } else if (arg.startsWith("--only=")) {
                only = arg.substring("--only=".length());
            } else if (arg.startsWith("--jvm-option=")) {
                EXTRA_JVM_OPTIONS.add(arg.substring("--jvm-option=".length()));
            } else if (arg.startsWith("--repeat=")) {
                rounds = Integer.parseInt(arg.substring("--repeat=".length()));
            } else if (arg.startsWith("--readers=")) {
                readers = List.of(arg.substring("--readers=".length()).split(","));
                if (!READERS.containsAll(readers) || !readers.contains("dblog")) {
                    throw new IllegalArgumentException("--readers takes some of " + READERS + ", dblog among them");
                }
            } else {
                plain.add(arg);
            }
        }
        if (snapshot) {
            snapshot(plain.size() > 0 ? Integer.parseInt(plain.get(0)) : SnapshotBenchmark.DEFAULT_ROWS, only,
                    profile);
            return;
        }
        int rows = plain.size() > 0 ? Integer.parseInt(plain.get(0)) : 100_000;
        int latencySeconds = plain.size() > 1 ? Integer.parseInt(plain.get(1)) : 10;
        System.out.printf("camel-dblog benchmark %s: backlog %d rows in 1000-row transactions + %d one-row"
                          + " transactions, read %d time(s) by each reader; latency %d s per rate; %d cores; one JVM"
                          + " per reader (-Xmx1g)%n%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), rows, rows, rounds, latencySeconds,
                Runtime.getRuntime().availableProcessors());
        // a profile is of camel-dblog's route only unless told otherwise (the others are not ours to profile)
        List<String> backlogReaders = readers != null ? readers : profile ? List.of("dblog") : READERS;
        // each source's tables as soon as it is done: kept even if the next source fails
        try (SandboxZooKeeper zooKeeper = SandboxZooKeeper.start()) {
            if (only == null || only.equals("mysql")) {
                try (MysqlBench mysql = new MysqlBench()) {
                    System.out.printf("%n%s%n", run(mysql, "mysql", rows, rounds, latencySeconds, latency, profile,
                            backlogReaders, zooKeeper));
                }
            }
            if (only == null || only.equals("pg")) {
                try (PgBench pg = new PgBench()) {
                    System.out.printf("%n%s%n", run(pg, "pg", rows, rounds, latencySeconds, latency, profile,
                            backlogReaders, zooKeeper));
                }
            }
        }
        System.exit(0);
    }

    private static void snapshot(int rows, String only, boolean profile) throws Exception {
        System.out.printf("camel-dblog snapshot benchmark %s: initial snapshot of a %d-row table; %d cores;"
                          + " load average %s; one JVM per reader%n%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), rows, Runtime.getRuntime().availableProcessors(),
                SnapshotBenchmark.loadAverage());
        StringBuilder report = new StringBuilder();
        try (SandboxZooKeeper zooKeeper = SandboxZooKeeper.start()) {
            if (only == null || only.equals("mysql")) {
                try (MysqlBench mysql = new MysqlBench()) {
                    SnapshotBenchmark.run(mysql, "mysql", rows, profile, zooKeeper, report);
                }
            }
            if (only == null || only.equals("pg")) {
                try (PgBench pg = new PgBench()) {
                    SnapshotBenchmark.run(pg, "pg", rows, profile, zooKeeper, report);
                }
            }
        }
        System.out.println();
        System.out.println(report);
        System.exit(0);
    }

    /** One source's backlog and latency runs; returns their tables. */
    private static String run(BenchSource source, String key, int rows, int rounds, int latencySeconds,
                              boolean latency, boolean profile, List<String> readers, SandboxZooKeeper zooKeeper)
            throws Exception {
        StringBuilder report = new StringBuilder();
        long t = System.nanoTime();
        List<String> runs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (String reader : readers) {
                runs.add(runName(reader, round));
            }
        }
        source.writeBacklog(rows, rows, runs);
        System.out.printf("%s: backlog written in %.1f s%n", source.title(), (System.nanoTime() - t) / 1e9);
        List<Backlog> backlog = new ArrayList<>();
        // round by round, the readers in turn: a machine that slows down during the run slows every reader alike
        for (int round = 1; round <= rounds; round++) {
            for (String reader : readers) {
                backlog.add(readBacklog(source, key, rows, reader, runName(reader, round), profile, zooKeeper));
            }
        }
        report.append(backlogTable(source.title(), rows, backlog, readers));
        if (latency) {
            report.append(latency(source, key, latencySeconds));
        }
        return report.toString();
    }

    /** A reader's two parts of the backlog, each read by a new JVM. */
    private static Backlog readBacklog(BenchSource source, String key, int rows, String reader, String run,
                                       boolean profile, SandboxZooKeeper zooKeeper) throws Exception {
        Map<String, Map<String, String>> parts = new LinkedHashMap<>();
        long startToFirst = -1;
        for (String part : PARTS) {
            Map<String, String> args = source.backlogArgs(reader, run, part);
            args.put("mode", "backlog");
            args.put("rows", String.valueOf(rows));
            args.put("zookeeper", zooKeeper.connectString());
            args.put("outDir", OUT.resolve("out").toAbsolutePath().toString());
            String label = key + "-" + part + "-" + run;
            ChildJvm child = ChildJvm.start(label, args, jvmOptions(label, reader, profile), OUT);
            Map<String, String> result = new LinkedHashMap<>(child.awaitResult(600));
            if (reader.endsWith("-zk")) {
                // how often the route stored its position for the part: each store is one write of its node
                result.put("zkWrites", String.valueOf(nodeWrites(zooKeeper, "/camel-dblog/offsets/" + args.get("name"))));
            }
            // the README route's output: hundreds of MB at a million rows, checked by the reader's count already
            Files.deleteIfExists(Path.of(args.get("outDir"), args.get("name") + ".jsonl"));
            parts.put(part, result);
            if (part.equals("batch") && "true".equals(result.get("complete"))) {
                startToFirst = Long.parseLong(result.get("firstEpochMillis")) - child.launchEpochMillis();
            }
            System.out.printf(Locale.ROOT, "  %-11s %-6s %s%n", run, part, result);
        }
        return new Backlog(reader, parts.get("batch"), parts.get("single"), startToFirst);
    }

    private static String runName(String reader, int round) {
        return round == 1 ? reader : reader + "-" + round;
    }

    private static String latency(BenchSource source, String key, int latencySeconds) throws Exception {
        List<Latency> latencies = new ArrayList<>();
        try (SteadyWriter writer = new SteadyWriter(source.latencyConnection(), source.latencyTable(), 1)) {
            for (int rate : RATES) {
                for (String reader : List.of("dblog", "debezium")) {
                    String run = reader + "-" + rate;
                    Map<String, String> args = source.latencyArgs(reader, run);
                    args.put("mode", "latency");
                    String label = key + "-latency-" + run;
                    ChildJvm child = ChildJvm.start(label, args, jvmOptions(label, reader, false), OUT);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (!child.awaitLive(200)) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(label + " read no probe row within 120 s");
                        }
                        writer.probe();
                    }
                    writer.warmUp(rate, WARM_UP_SECONDS);
                    SteadyWriter.Run written = writer.run(rate, latencySeconds);
                    writer.end();
                    Latency l = new Latency(reader, rate, written, child.awaitResult(120));
                    latencies.add(l);
                    System.out.printf(Locale.ROOT, "  latency %-9s %6d rows/s: %s, writer %s%n", reader, rate,
                            l.result(), written);
                }
            }
        }
        return latencyTable(source.title(), latencies);
    }

    /** How many times a node was written since it was created (its data version), -1 if there is none. */
    private static int nodeWrites(SandboxZooKeeper zooKeeper, String path) throws Exception {
        try (CuratorFramework client = CuratorFrameworkFactory.newClient(zooKeeper.connectString(),
                new RetryOneTime(100))) {
            client.start();
            Stat stat = client.checkExists().forPath(path);
            return stat == null ? -1 : stat.getVersion() + 1;
        }
    }

    private static List<String> jvmOptions(String label, String reader, boolean profile) throws IOException {
        return jvmOptions(label, reader, profile, "1g");
    }

    static List<String> jvmOptions(String label, String reader, boolean profile, String heap) throws IOException {
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap));
        options.addAll(EXTRA_JVM_OPTIONS);
        if (profile && !reader.equals("raw") && !reader.equals("debezium")) {
            options.add("-XX:StartFlightRecording=settings=" + profileSettings() + ",filename="
                        + OUT.resolve(label + ".jfr").toAbsolutePath());
        }
        return options;
    }

    /**
     * The JDK's {@code profile} settings with Java samples every millisecond instead of every 10: on a shared
     * 2-core machine the streaming thread runs a fraction of the time, and 10 ms leaves too few samples.
     */
    private static Path profileSettings() throws IOException {
        String jfc = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"));
        String dense = jfc.replaceFirst("(control=\"method-sampling-java-interval\">)10 ms<", "$11 ms<");
        if (dense.equals(jfc)) {
            throw new IllegalStateException("This JDK's profile.jfc has no 10 ms Java sampling interval to tighten");
        }
        Path settings = OUT.resolve("profile-1ms.jfc").toAbsolutePath();
        Files.createDirectories(OUT);
        Files.writeString(settings, dense);
        return settings;
    }

    /**
     * Per reader the median over the rounds of each figure; a ratio is the median of the rounds' ratios (each
     * taken between two readers of the same round). "× not resumable" divides a resumable route by the same route
     * without {@code resumable()}.
     */
    private static String backlogTable(String title, int rows, List<Backlog> all, List<String> readers) {
        Map<String, List<Backlog>> byReader = new LinkedHashMap<>();
        for (String reader : readers) {
            byReader.put(reader, all.stream().filter(b -> b.reader().equals(reader)).toList());
        }
        List<Backlog> route = byReader.get("dblog");
        int rounds = route.size();
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%s, backlog of %d + %d rows%s%n%n", title, rows, rows,
                rounds > 1 ? String.format(Locale.ROOT, ", medians of %d rounds", rounds) : ""));
        t.append("| reader | events/s, 1 000-row tx | × route | events/s, 1-row tx | × route | × not resumable"
                 + " (1 000-row / 1-row) | JVM start → first event | peak RSS | × route |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<Backlog>> e : byReader.entrySet()) {
            List<Backlog> runs = e.getValue();
            Backlog unfinished = runs.stream().filter(b -> !b.complete()).findFirst().orElse(null);
            if (unfinished != null) {
                t.append("| ").append(name(e.getKey())).append(" | did not finish: ")
                        .append(unfinished.batch().get("events")).append(" + ").append(unfinished.single().get("events")).append(" events | | | | | | | |\n");
                continue;
            }
            String reader = e.getKey();
            List<Backlog> plain = reader.contains("-")
                    ? byReader.get(reader.substring(0, reader.indexOf('-'))) : null;
            String notResumable = plain == null || plain.stream().anyMatch(b -> !b.complete()) ? ""
                    : String.format(Locale.ROOT, "%.2f / %.2f", ratio(runs, plain, Backlog::batchPerSecond),
                            ratio(runs, plain, Backlog::singlePerSecond));
            t.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %,d | %.2f | %s | %.1f s | %d MB | %.2f |%n",
                    name(e.getKey()),
                    Math.round(median(runs, Backlog::batchPerSecond)), ratio(runs, route, Backlog::batchPerSecond),
                    Math.round(median(runs, Backlog::singlePerSecond)), ratio(runs, route, Backlog::singlePerSecond),
                    notResumable, median(runs, Backlog::startToFirstMillis) / 1000.0,
                    Math.round(median(runs, Backlog::peakRssKb)) >> 10, ratio(runs, route, Backlog::peakRssKb)));
        }
        t.append(String.format(Locale.ROOT, "%nCPU time per event (less sensitive to a loaded machine than events/s)%n%n"));
        t.append("| reader | reader JVM, 1 000-row tx | streaming thread | reader JVM, 1-row tx | streaming thread |\n");
        t.append("|---|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<Backlog>> e : byReader.entrySet()) {
            List<Backlog> runs = e.getValue();
            if (runs.stream().allMatch(Backlog::complete)) {
                t.append(String.format(Locale.ROOT, "| %s | %.1f µs | %.1f µs | %.1f µs | %.1f µs |%n", name(e.getKey()),
                        median(runs, b -> b.cpuMicros(b.batch())), median(runs, b -> b.streamCpuMicros(b.batch())),
                        median(runs, b -> b.cpuMicros(b.single())), median(runs, b -> b.streamCpuMicros(b.single()))));
            }
        }
        return t.append('\n').toString();
    }

    private static double median(List<Backlog> runs, ToDoubleFunction<Backlog> figure) {
        return median(runs.stream().mapToDouble(figure).sorted().toArray());
    }

    /** The median of the rounds' ratios {@code figure(a) / figure(b)}, round by round. */
    private static double ratio(List<Backlog> a, List<Backlog> b, ToDoubleFunction<Backlog> figure) {
        double[] ratios = new double[Math.min(a.size(), b.size())];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = figure.applyAsDouble(a.get(i)) / figure.applyAsDouble(b.get(i));
        }
        Arrays.sort(ratios);
        return median(ratios);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String latencyTable(String title, List<Latency> results) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%s, commit → exchange under a steady writer%n%n", title));
        t.append("| reader | target rows/s | written rows/s | rows per tx | p50 | p99 | max |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Latency l : results) {
            t.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %.1f | %.1f ms | %.1f ms | %.1f ms |%n",
                    name(l.reader()), l.rate(), l.writer().rowsPerSecond(),
                    (double) l.writer().rows() / l.writer().transactions(), l.millis("p50us"), l.millis("p99us"),
                    l.millis("maxus")));
        }
        return t.append('\n').toString();
    }

    private static String name(String reader) {
        return switch (reader) {
            case "raw" -> "raw client library";
            case "dblog" -> "camel-dblog route";
            case "dblog-zk" -> "camel-dblog route, resumable (ZooKeeper, defaults)";
            case "dblog-transient" -> "camel-dblog route, resumable with Camel's TransientResumeStrategy (stores nothing)";
            case "jsonl" -> "README route: JSON lines to a file";
            case "jsonl-zk" -> "README route, resumable (ZooKeeper, defaults)";
            case "debezium" -> "camel-debezium route";
            default -> reader;
        };
    }
}
