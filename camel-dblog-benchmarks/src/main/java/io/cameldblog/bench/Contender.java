package io.cameldblog.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConstants;
import io.cameldblog.core.Operation;
import io.cameldblog.core.resume.DbLogResumeAdapter;
import io.cameldblog.core.resume.ZooKeeperResumeStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.resume.TransientResumeStrategy;
import org.apache.kafka.connect.data.Struct;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/**
 * One reader in its own JVM, so its resident memory and its time from JVM start to the first event are its own.
 * Started by {@link ChangeStreamBenchmark} with {@code key=value} arguments; prints one {@code RESULT} line (and
 * {@code LIVE} once it sees the first probe row in latency mode), then exits.
 * <p>
 * Readers ({@code reader=}): {@code raw} (the client library alone), {@code dblog} (the camel-dblog route),
 * {@code dblog-zk} (the same route with {@code resumable} on core's ZooKeeperResumeStrategy at its defaults) and
 * {@code debezium} (the camel-debezium route, offsets in memory). Sources ({@code source=}): {@code mysql},
 * {@code pg}. Modes ({@code mode=}): {@code backlog} (count {@code rows} inserts of the backlog),
 * {@code latency} (commit-to-exchange time of each stamped row until the end marker) and {@code snapshot} (count
 * {@code rows} snapshot rows, {@code op = r}, of an existing table, and report the heap used).
 * A backlog reader reads one part of the backlog ({@code part=batch} or {@code single}) from where it starts.
 */
public final class Contender {

    private Contender() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> p = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            p.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String mode = p.get("mode");
        boolean snapshot = mode.equals("snapshot");
        HeapWatch heap = snapshot ? HeapWatch.start() : null;
        // the column whose value each counted row hands to the sink: its stamp, or its key (checked for repeats)
        String column = switch (mode) {
            case "latency" -> "stamp_us";
            case "snapshot" -> "id";
            default -> null;
        };
        RowSink sink = mode.equals("latency")
                ? new LatencyRecorder()
                : new ThroughputClock(Long.parseLong(p.get("rows")), snapshot);
        switch (p.get("reader")) {
            case "raw" -> {
                if ("mysql".equals(p.get("source"))) {
                    rawBinlog(p, sink);
                } else {
                    rawPgStream(p, sink);
                }
            }
            case "dblog", "dblog-zk", "dblog-transient", "jsonl", "jsonl-zk", "debezium" ->
                    route(p, sink, snapshot ? Operation.READ : Operation.INSERT, column);
            default -> throw new IllegalArgumentException("unknown reader " + p.get("reader"));
        }
        boolean done = awaitWhileMoving(sink, Long.parseLong(p.getOrDefault("idleSeconds", "60")));
        Map<String, Object> result = new LinkedHashMap<>(sink.result());
        result.put("complete", done);
        result.put("rssKb", peakRssKb());
        if (heap != null) {
            result.put("heapUsedKb", heap.peakUsedKb());
            result.put("heapAfterGcKb", heap.peakAfterGcKb());
            result.put("heapMaxKb", HeapWatch.maxKb());
        }
        StringBuilder line = new StringBuilder("RESULT");
        result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        System.out.flush();
        // the figures are out: the reader is not stopped (Debezium's engine takes seconds), the JVM just ends
        // (System.exit, not halt, so a JFR recording is still written)
        System.exit(0);
    }

    /**
     * Waits until the sink is done, or until no event arrived for {@code idleSeconds} (a reader that failed to
     * start, or lost events: reported as incomplete instead of waiting for ever).
     */
    private static boolean awaitWhileMoving(RowSink sink, long idleSeconds) throws InterruptedException {
        long seen = -1;
        long idleSince = System.nanoTime();
        while (!sink.await(1)) {
            long now = sink.events();
            if (now != seen) {
                seen = now;
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince > TimeUnit.SECONDS.toNanos(idleSeconds)) {
                return false;
            }
        }
        return true;
    }

    // ---- the client libraries alone

    /** {@code BinaryLogClient} with its default deserializers, counting write-row rows of the one table. */
    private static void rawBinlog(Map<String, String> p, RowSink sink) throws Exception {
        BinaryLogClient client = new BinaryLogClient(p.get("host"), Integer.parseInt(p.get("port")), p.get("user"),
                p.get("password"));
        client.setBinlogFilename(p.get("binlogFile"));
        client.setBinlogPosition(Long.parseLong(p.get("binlogPos")));
        client.setServerId(4242);
        client.setKeepAlive(false);
        long[] tableId = {-1};
        client.registerEventListener(e -> {
            if (e.getData() instanceof TableMapEventData t && "orders".equals(t.getTable())) {
                tableId[0] = t.getTableId();
            } else if (e.getData() instanceof WriteRowsEventData d && d.getTableId() == tableId[0]) {
                for (int i = d.getRows().size(); i > 0; i--) {
                    sink.row(0);
                }
            }
        });
        client.connect(30_000);
    }

    /** pgjdbc's replication stream on pgoutput, counting insert messages undecoded. */
    private static void rawPgStream(Map<String, String> p, RowSink sink) {
        Properties props = new Properties();
        PGProperty.USER.set(props, p.get("user"));
        PGProperty.PASSWORD.set(props, p.get("password"));
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        String url = "jdbc:postgresql://" + p.get("host") + ":" + p.get("port") + "/" + p.get("database");
        // the thread owns the connection: an unreachable pgjdbc connection is closed by the driver's cleaner
        Thread reader = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(url, props)) {
                PGReplicationStream stream = c.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                        .logical().withSlotName(p.get("slot")).withSlotOption("proto_version", "1")
                        .withSlotOption("publication_names", p.get("publication")).start();
                while (!Thread.currentThread().isInterrupted()) {
                    ByteBuffer msg = stream.read();
                    if (msg.get(msg.position()) == 'I') {
                        sink.row(0);
                    }
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "raw-pg-stream");
        reader.setDaemon(true);
        reader.start();
    }

    // ---- Camel routes

    /**
     * A route counting the rows of operation {@code counted} (inserts of a backlog, {@code op = r} of a snapshot),
     * handing the sink the value of {@code column} (0 when null).
     */
    private static void route(Map<String, String> p, RowSink sink, Operation counted, String column)
            throws Exception {
        String reader = p.get("reader");
        String uri = reader.equals("debezium") ? DebeziumUris.uri(p) : DbLogUris.uri(p);
        DefaultCamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                var route = from(uri);
                if (reader.endsWith("-zk")) {
                    // the README's resumable route, strategy at its default settings
                    route.resumable(new ZooKeeperResumeStrategy(p.get("zookeeper")));
                } else if (reader.endsWith("-transient")) {
                    // what Camel's resumable() costs by itself: its own strategy, which keeps nothing
                    route.resumable(new TransientResumeStrategy(new DbLogResumeAdapter()));
                }
                if (reader.startsWith("jsonl")) {
                    // the README's first route: each change as a line of JSON appended to a file
                    route.convertBodyTo(String.class)
                            .to("file:" + p.get("outDir") + "?fileName=" + p.get("name") + ".jsonl"
                                + "&fileExist=Append&appendChars=\\n")
                            .process(e -> jsonRow(e, sink, counted));
                } else {
                    route.process(reader.equals("debezium")
                            ? e -> debeziumRow(e, sink, counted, column)
                            : e -> dblogRow(e, sink, counted, column));
                }
            }
        });
        context.start();
    }

    private static void dblogRow(Exchange exchange, RowSink sink, Operation counted, String column) {
        if (exchange.getMessage().getBody() instanceof ChangeEvent event && event.op() == counted) {
            sink.row(column != null ? (Long) event.after().get(column) : 0);
        }
    }

    /** The body is the event's JSON by now; the operation is also a header. */
    private static void jsonRow(Exchange exchange, RowSink sink, Operation counted) {
        if (counted.name().equals(exchange.getMessage().getHeader(DbLogConstants.OPERATION))) {
            sink.row(0);
        }
    }

    private static void debeziumRow(Exchange exchange, RowSink sink, Operation counted, String column) {
        if (counted.code().equals(exchange.getMessage().getHeader("CamelDebeziumOperation"))) {
            sink.row(column != null ? ((Struct) exchange.getMessage().getBody()).getInt64(column) : 0);
        }
    }

    /** Peak resident set size of this JVM so far (Linux {@code VmHWM}), in KiB. */
    private static long peakRssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /** Receives each counted row; called from the reader's one thread. */
    interface RowSink {
        /** @param value the row's stamp in latency mode, its key in snapshot mode, else 0 */
        void row(long value);

        boolean await(long seconds) throws InterruptedException;

        /** Events so far (read from another thread: a stale value only delays the idle check). */
        long events();

        Map<String, Object> result();
    }

    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1000;
    }
}
