package io.cameldblog.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import io.cameldblog.sandbox.SandboxMariaDb;
import io.cameldblog.sandbox.SandboxPostgres;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/**
 * Reads the same change log several ways in one run and reports rows per second and their ratios: the raw client
 * library (what a hand-written reader gets, values undecoded) against camel-dblog's route (exact values, a Camel
 * exchange per row, headers), with and without JSON conversion. Also the heap in use while streaming.
 * <p>
 * {@code bench/run.sh [rows]}; default 200 000 rows in transactions of 1 000.
 */
public final class ChangeStreamBenchmark {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private ChangeStreamBenchmark() {
    }

    record Measure(String name, long rows, long nanos, long peakHeapBytes) {
        double rowsPerSecond() {
            return rows * 1e9 / nanos;
        }
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        System.out.printf("camel-dblog benchmark: %d rows in transactions of 1000, %d cores, max heap %d MB%n%n",
                rows, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        try (SandboxMariaDb db = SandboxMariaDb.start()) {
            mysqlRows(db, rows);
            Measure raw = rawBinlogClient(db, rows);
            Measure route = mysqlRoute(db, rows, false);
            Measure json = mysqlRoute(db, rows, true);
            report("MySQL/MariaDB binlog", raw, route, json);
        }
        try (SandboxPostgres pg = SandboxPostgres.start()) {
            pgRows(pg, rows);
            Measure raw = rawPgStream(pg, rows);
            Measure route = pgRoute(pg, rows, false);
            Measure json = pgRoute(pg, rows, true);
            report("PostgreSQL pgoutput", raw, route, json);
        }
    }

    private static void report(String source, Measure raw, Measure... others) {
        System.out.printf("%s%n", source);
        System.out.printf(Locale.ROOT, "  %-44s %10.0f rows/s  1.00x  peak heap %4d MB%n", raw.name(),
                raw.rowsPerSecond(), raw.peakHeapBytes() >> 20);
        for (Measure m : others) {
            System.out.printf(Locale.ROOT, "  %-44s %10.0f rows/s  %.2fx  peak heap %4d MB%n", m.name(),
                    m.rowsPerSecond(), m.rowsPerSecond() / raw.rowsPerSecond(), m.peakHeapBytes() >> 20);
        }
        System.out.println();
    }

    // ---- MySQL / MariaDB

    private static void mysqlRows(SandboxMariaDb db, int rows) throws Exception {
        db.execute("CREATE DATABASE bench", "CREATE TABLE bench.orders (id INT PRIMARY KEY, customer INT,"
                                            + " sku VARCHAR(20), total DECIMAL(10,2), created DATETIME(6))");
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int start = 1; start <= rows; start += 1000) {
                StringBuilder sql = new StringBuilder("INSERT INTO bench.orders VALUES ");
                for (int id = start; id < start + 1000 && id <= rows; id++) {
                    sql.append(id == start ? "" : ",").append('(').append(id).append(',').append(id % 97)
                            .append(",'SKU-").append(id).append("',").append(id % 1000).append(".25, NOW(6))");
                }
                s.execute(sql.toString());
                c.commit();
            }
        }
    }

    private static Measure rawBinlogClient(SandboxMariaDb db, int rows) throws Exception {
        AtomicLong seen = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        BinaryLogClient client = new BinaryLogClient(db.host(), db.port(), SandboxMariaDb.USER, SandboxMariaDb.PASSWORD);
        client.setBinlogFilename("mysql-bin.000001");
        client.setBinlogPosition(4);
        client.setServerId(4242);
        client.setKeepAlive(false);
        client.registerEventListener(e -> {
            if (EventType.isWrite(e.getHeader().getEventType()) && e.getData() instanceof WriteRowsEventData d
                    && seen.addAndGet(d.getRows().size()) >= rows) {
                done.countDown();
            }
        });
        Sampler sampler = new Sampler();
        long start = System.nanoTime();
        client.connect(30_000);
        done.await(10, TimeUnit.MINUTES);
        long nanos = System.nanoTime() - start;
        client.disconnect();
        return new Measure("raw BinaryLogClient (default deserializers)", seen.get(), nanos, sampler.stop());
    }

    private static Measure mysqlRoute(SandboxMariaDb db, int rows, boolean json) throws Exception {
        String uri = "mysqlbinlog:bench" + (json ? "json" : "") + "?host=" + db.host() + "&port=" + db.port()
                     + "&username=" + SandboxMariaDb.USER + "&password=" + SandboxMariaDb.PASSWORD
                     + "&includeTables=bench\\.orders&startPosition=earliest";
        return route(json ? "mysqlbinlog: route, body to JSON" : "mysqlbinlog: route (exact values, exchange)",
                uri, rows, json);
    }

    // ---- PostgreSQL

    private static void pgRows(SandboxPostgres pg, int rows) throws Exception {
        pg.createDatabase("bench");
        try (Connection c = pg.connect("bench"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, customer int, sku text, total numeric(10,2),"
                      + " created timestamptz)");
            s.execute("SELECT pg_create_logical_replication_slot('raw_slot', 'pgoutput')");
            s.execute("SELECT pg_create_logical_replication_slot('route_slot', 'pgoutput')");
            s.execute("SELECT pg_create_logical_replication_slot('json_slot', 'pgoutput')");
            s.execute("CREATE PUBLICATION bench_pub FOR TABLE orders");
            for (int start = 1; start <= rows; start += 1000) {
                s.execute("INSERT INTO orders SELECT g, g % 97, 'SKU-' || g, (g % 1000) + 0.25, now()"
                          + " FROM generate_series(" + start + ", " + Math.min(rows, start + 999) + ") g");
            }
        }
    }

    private static Measure rawPgStream(SandboxPostgres pg, int rows) throws Exception {
        java.util.Properties props = new java.util.Properties();
        PGProperty.USER.set(props, pg.user());
        PGProperty.PASSWORD.set(props, pg.password());
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        Sampler sampler = new Sampler();
        long start = System.nanoTime();
        long seen = 0;
        try (Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl("bench"), props)) {
            PGReplicationStream stream = c.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                    .logical().withSlotName("raw_slot").withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", "bench_pub").start();
            while (seen < rows) {
                ByteBuffer msg = stream.read();
                if (msg.get(msg.position()) == 'I') {
                    seen++;
                }
            }
            stream.close();
        }
        return new Measure("raw pgjdbc replication stream (bytes only)", seen, System.nanoTime() - start,
                sampler.stop());
    }

    private static Measure pgRoute(SandboxPostgres pg, int rows, boolean json) throws Exception {
        String slot = json ? "json_slot" : "route_slot";
        String uri = "pgwal:bench" + (json ? "json" : "") + "?host=" + pg.host() + "&port=" + pg.port()
                     + "&database=bench&username=" + pg.user() + "&password=" + pg.password() + "&slot=" + slot
                     + "&publication=bench_pub&createPublication=false&startPosition=earliest";
        return route(json ? "pgwal: route, body to JSON" : "pgwal: route (typed values, exchange)", uri, rows, json);
    }

    // ---- shared

    private static Measure route(String name, String uri, int rows, boolean json) throws Exception {
        AtomicLong seen = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        DefaultCamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                var route = from(uri);
                if (json) {
                    route.convertBodyTo(String.class);
                }
                route.process(e -> {
                    if (seen.incrementAndGet() >= rows) {
                        done.countDown();
                    }
                });
            }
        });
        Sampler sampler = new Sampler();
        long start = System.nanoTime();
        context.start();
        done.await(10, TimeUnit.MINUTES);
        long nanos = System.nanoTime() - start;
        context.stop();
        return new Measure(name, seen.get(), nanos, sampler.stop());
    }

    /** Samples heap in use every 20 ms from its start (after a GC) to stop. */
    private static final class Sampler {
        private final AtomicLong peak = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        Sampler() {
            System.gc();
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join();
            return peak.get();
        }
    }
}
