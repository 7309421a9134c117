package io.cameldblog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

    static final List<String> READERS = List.of("raw", "dblog", "dblog-zk", "debezium");
    /** The backlog's 1 000-row transactions, then its one-row transactions. */
    static final List<String> PARTS = List.of("batch", "single");
    private static final List<Integer> RATES = List.of(1_000, 10_000);
    /** The reader's JIT warms up on rows at the target rate before the measured ones. */
    private static final int WARM_UP_SECONDS = 3;
    private static final Path OUT = Path.of("camel-dblog-benchmarks", "target", "bench");

    private ChangeStreamBenchmark() {
    }

    /** One reader's two parts, each read by its own JVM; start to first event of the first part's JVM. */
    record Backlog(String reader, int rows, Map<String, String> batch, Map<String, String> single,
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
        for (String arg : args) {
            if (arg.equals("--profile")) {
                profile = true;
            } else if (arg.equals("--snapshot")) {
                snapshot = true;
            } else if (arg.equals("--no-latency")) {
                latency = false;
            } else if (arg.startsWith("--only=")) {
                only = arg.substring("--only=".length());
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
                          + " transactions; latency %d s per rate; %d cores; one JVM per reader (-Xmx1g)%n%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), rows, rows, latencySeconds,
                Runtime.getRuntime().availableProcessors());
        // a profile is of camel-dblog's route only unless told otherwise (the others are not ours to profile)
        List<String> backlogReaders = readers != null ? readers : profile ? List.of("dblog") : READERS;
        StringBuilder report = new StringBuilder();
        try (SandboxZooKeeper zooKeeper = SandboxZooKeeper.start()) {
            if (only == null || only.equals("mysql")) {
                try (MysqlBench mysql = new MysqlBench()) {
                    run(mysql, "mysql", rows, latencySeconds, latency, profile, backlogReaders, zooKeeper, report);
                }
            }
            if (only == null || only.equals("pg")) {
                try (PgBench pg = new PgBench()) {
                    run(pg, "pg", rows, latencySeconds, latency, profile, backlogReaders, zooKeeper, report);
                }
            }
        }
        System.out.println();
        System.out.println(report);
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

    private static void run(BenchSource source, String key, int rows, int latencySeconds, boolean latency,
                            boolean profile, List<String> readers, SandboxZooKeeper zooKeeper, StringBuilder report)
            throws Exception {
        long t = System.nanoTime();
        source.writeBacklog(rows, rows);
        System.out.printf("%s: backlog written in %.1f s%n", source.title(), (System.nanoTime() - t) / 1e9);
        List<Backlog> backlog = new ArrayList<>();
        for (String reader : readers) {
            int count = rows;
            Map<String, Map<String, String>> parts = new LinkedHashMap<>();
            long startToFirst = -1;
            for (String part : PARTS) {
                Map<String, String> args = source.backlogArgs(reader, part);
                args.put("mode", "backlog");
                args.put("rows", String.valueOf(count));
                args.put("zookeeper", zooKeeper.connectString());
                String label = key + "-" + part + "-" + reader;
                ChildJvm child = ChildJvm.start(label, args, jvmOptions(label, reader, profile), OUT);
                Map<String, String> result = new LinkedHashMap<>(child.awaitResult(600));
                if (reader.equals("dblog-zk")) {
                    // how often the route stored its position for the part: each store is one write of its node
                    result.put("zkWrites", String.valueOf(nodeWrites(zooKeeper, "/camel-dblog/offsets/" + args.get("name"))));
                }
                parts.put(part, result);
                if (part.equals("batch") && "true".equals(result.get("complete"))) {
                    startToFirst = Long.parseLong(result.get("firstEpochMillis")) - child.launchEpochMillis();
                }
                System.out.printf(Locale.ROOT, "  %-9s %-6s %s%n", reader, part, result);
            }
            backlog.add(new Backlog(reader, count, parts.get("batch"), parts.get("single"), startToFirst));
        }
        report.append(backlogTable(source.title(), rows, backlog));
        if (!latency) {
            return;
        }
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
        report.append(latencyTable(source.title(), latencies));
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
        if (profile && reader.startsWith("dblog")) {
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

    private static String backlogTable(String title, int rows, List<Backlog> results) {
        Backlog route = results.stream().filter(b -> b.reader().equals("dblog")).findFirst().orElseThrow();
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%s, backlog of %d + %d rows%n%n", title, rows, rows));
        t.append("| reader | events/s, 1 000-row tx | × route | events/s, 1-row tx | × route |"
                 + " JVM start → first event | peak RSS | × route |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Backlog b : results) {
            if (!b.complete()) {
                t.append("| ").append(name(b.reader())).append(" | did not finish: ").append(b.batch().get("events"))
                        .append(" + ").append(b.single().get("events")).append(" events | | | | | | |\n");
                continue;
            }
            t.append(String.format(Locale.ROOT, "| %s%s | %,d | %.2f | %,d | %.2f | %.1f s | %d MB | %.2f |%n",
                    name(b.reader()), b.rows() < rows ? String.format(Locale.ROOT, " (first %,d rows of each part)",
                            b.rows()) : "",
                    b.batchPerSecond(), (double) b.batchPerSecond() / route.batchPerSecond(),
                    b.singlePerSecond(), (double) b.singlePerSecond() / route.singlePerSecond(),
                    b.startToFirstMillis() / 1000.0, b.peakRssKb() >> 10,
                    (double) b.peakRssKb() / route.peakRssKb()));
        }
        t.append(String.format(Locale.ROOT, "%nCPU time per event (less sensitive to a loaded machine than events/s)%n%n"));
        t.append("| reader | reader JVM, 1 000-row tx | streaming thread | reader JVM, 1-row tx | streaming thread |\n");
        t.append("|---|---:|---:|---:|---:|\n");
        for (Backlog b : results) {
            if (b.complete()) {
                t.append(String.format(Locale.ROOT, "| %s | %.1f µs | %.1f µs | %.1f µs | %.1f µs |%n", name(b.reader()),
                        b.cpuMicros(b.batch()), b.streamCpuMicros(b.batch()), b.cpuMicros(b.single()),
                        b.streamCpuMicros(b.single())));
            }
        }
        return t.append('\n').toString();
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
            case "debezium" -> "camel-debezium route";
            default -> reader;
        };
    }
}
