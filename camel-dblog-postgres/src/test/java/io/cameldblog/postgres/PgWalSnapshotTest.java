package io.cameldblog.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.testing.ConsumerHealth;
import io.cameldblog.sandbox.SandboxPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.cameldblog.postgres.PgTestSupport.column;
import static io.cameldblog.postgres.PgTestSupport.query;
import static io.cameldblog.postgres.PgTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Snapshots of {@code pgwal:} (issue 14): the rows a table holds, read in key-ordered chunks while the log streams,
 * rebuild the table exactly whatever a writer does meanwhile; a signal row starts one while streaming; snapshot rows
 * carry the log's values; every key type the type tests cover orders chunks; the errors and modes.
 */
class PgWalSnapshotTest {

    private static final String DB = "snap";
    private static final int ROWS = 500_000;
    private static SandboxPostgres pg;

    @TempDir
    Path offsets;

    @BeforeAll
    static void startServer() {
        pg = SandboxPostgres.start();
        pg.createDatabase(DB);
        sql(pg, DB, "CREATE TABLE dblog_signal (id text PRIMARY KEY, type text NOT NULL, data text)");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    private static String uri(String slot, String options) {
        return PgTestSupport.uri(pg, slot, DB, slot, "dropSlotOnStop=true&" + options);
    }

    private static CamelContext route(String uri, Consumer<ChangeEvent> events) throws Exception {
        CamelContext context = new DefaultCamelContext();
        ConsumerHealth.enable(context);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("snap").process(e -> events.accept(e.getMessage().getBody(ChangeEvent.class)));
            }
        });
        context.start();
        return context;
    }

    private static void createTable(String table, int rows) {
        sql(pg, DB, "CREATE TABLE " + table + " (id int PRIMARY KEY, v int, payload text)",
                "INSERT INTO " + table + " SELECT g, g % 1000, 'row ' || g FROM generate_series(1, " + rows + ") g");
    }

    @Test
    void an500000RowTableChangedAllThroughTheSnapshotIsRebuiltExactly() throws Exception {
        createTable("big", ROWS);
        TableReplica replica = new TableReplica("big");
        long started = System.nanoTime();
        CamelContext context;
        try (ConcurrentWriter writer = new ConcurrentWriter(pg, DB, "big", ROWS + 1, 1).start()) {
            context = route(uri("big_slot", "includeTables=public\\.big&snapshotMode=initial"), replica::apply);
            await().atMost(Duration.ofSeconds(120)).until(() -> replica.snapshotDone);
            assertThat(writer.transactions.get()).as("writes during the snapshot").isGreaterThan(100);
        }
        try {
            Map<Integer, String> real = TableReplica.real(pg, DB, "big");
            await().atMost(Duration.ofSeconds(60)).until(() -> replica.rows.equals(real));
            System.out.printf("snapshot of %d rows under a writer: %d snapshot rows, %d log events (%d during the"
                              + " snapshot), %d ms%n", ROWS, replica.snapshotRows.get(), replica.logEvents.get(),
                    replica.logEventsDuringSnapshot.get(), (System.nanoTime() - started) / 1_000_000);
            assertThat(replica.logEventsDuringSnapshot.get()).as("log events interleaved with the snapshot")
                    .isGreaterThan(0);
            assertThat(replica.snapshotRepeats.get()).as("rows the snapshot delivered twice").isZero();
        } finally {
            context.stop();
        }
    }

    @Test
    void aSignalRowStartsASnapshotWhileStreamingAndTheTableIsRebuiltExactly() throws Exception {
        createTable("orders", 20_000);
        TableReplica replica = new TableReplica("orders");
        List<ChangeEvent> signals = new CopyOnWriteArrayList<>();
        CamelContext context = route(uri("signal_slot", "includeTables=public\\.orders&snapshotChunkSize=500"), e -> {
            if (e.source().table().equals("dblog_signal")) {
                signals.add(e);
            }
            replica.apply(e);
        });
        try (ConcurrentWriter writer = new ConcurrentWriter(pg, DB, "orders", 20_001, 2).start()) {
            // streaming (snapshotMode=never): changes arrive, the rows that were there do not
            await().atMost(Duration.ofSeconds(20)).until(() -> replica.logEvents.get() > 50);
            assertThat(replica.snapshotRows.get()).isZero();
            sql(pg, DB, "INSERT INTO dblog_signal VALUES ('snap-1', 'execute-snapshot',"
                        + " '{\"data-collections\": [\"public.orders\"]}')");
            await().atMost(Duration.ofSeconds(60)).until(() -> replica.snapshotDone);
        }
        try {
            Map<Integer, String> real = TableReplica.real(pg, DB, "orders");
            await().atMost(Duration.ofSeconds(30)).until(() -> replica.rows.equals(real));
            assertThat(replica.logEventsDuringSnapshot.get()).isGreaterThan(0);
            assertThat(signals).as("signal rows are never routed").isEmpty();
        } finally {
            context.stop();
        }
    }

    /**
     * Only tables outside the stream are written: each chunk's watermark lies in WAL that carries nothing for the
     * reader, which learns that it passed it from the server's keepalives (the WAL end), between transactions. At
     * the default statusInterval (10 s) the snapshot still runs at full pace: it does not wait for a status round
     * trip per chunk.
     */
    @Test
    void aSnapshotWhileOnlyOtherTablesAreWrittenDoesNotWaitAStatusIntervalPerChunk() throws Exception {
        createTable("quiet", 3_000);
        sql(pg, DB, "CREATE TABLE noise (id serial PRIMARY KEY, at timestamptz DEFAULT now())");
        TableReplica replica = new TableReplica("quiet");
        String uri = "pgwal:quiet?host=" + pg.host() + "&port=" + pg.port() + "&database=" + DB + "&username="
                     + pg.user() + "&password=" + pg.password() + "&slot=quiet_slot&dropSlotOnStop=true"
                     + "&includeTables=public\\.quiet&snapshotMode=initial&snapshotChunkSize=100"
                     + "&statusInterval=10000";
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.CompletableFuture<Void> noise = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try (java.sql.Connection c = pg.connect(DB); java.sql.Statement s = c.createStatement()) {
                while (writing.get()) {
                    s.execute("INSERT INTO noise DEFAULT VALUES");
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        long started = System.nanoTime();
        CamelContext context = route(uri, replica::apply);
        try {
            // 30 chunks: at one status interval each this would take 5 minutes
            await().atMost(Duration.ofSeconds(30)).until(() -> replica.snapshotDone);
            System.out.printf("30 chunks under unrelated writes: %d ms%n", (System.nanoTime() - started) / 1_000_000);
            assertThat(replica.rows).isEqualTo(TableReplica.real(pg, DB, "quiet"));
        } finally {
            writing.set(false);
            noise.get(20, java.util.concurrent.TimeUnit.SECONDS);
            context.stop();
        }
    }

    /**
     * A snapshot that takes several times the server's wal_sender_timeout (a slow target) while nothing else is
     * written keeps its replication connection: whether a chunk waits for a keepalive or follows the last one at
     * once (its watermark already passed, the stream not read meanwhile), the server hears from the reader in time.
     */
    @Test
    void aLongSnapshotOfAnIdleDatabaseKeepsTheReplicationConnectionAlive() throws Exception {
        createTable("idle", 400);
        TableReplica replica = new TableReplica("idle");
        sql(pg, DB, "ALTER SYSTEM SET wal_sender_timeout = '1s'", "SELECT pg_reload_conf()");
        try (io.cameldblog.core.testing.CapturedLog log = io.cameldblog.core.testing.CapturedLog.warnings()) {
            CamelContext context = route(uri("idle_slot", "includeTables=public\\.idle&snapshotMode=initial"
                                                          + "&snapshotChunkSize=10"), e -> {
                // a target that takes 10 ms a row: the snapshot takes about 4 s, four wal_sender_timeouts
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
                replica.apply(e);
            });
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> replica.snapshotDone);
                assertThat(replica.rows).isEqualTo(TableReplica.real(pg, DB, "idle"));
                assertThat(log.containing("reading the change log failed")).as("connection dropped").isEmpty();
            } finally {
                context.stop();
            }
        } finally {
            sql(pg, DB, "ALTER SYSTEM RESET wal_sender_timeout", "SELECT pg_reload_conf()");
        }
    }

    /**
     * The race every log-position watermark has: a transaction's commit is in the log (and delivered) before new
     * snapshots see it. A synchronous standby that never answers holds a committing transaction in that state for
     * as long as the test likes; a chunk read meanwhile would show the row as before the delivered update.
     */
    @Test
    void aChunkReadWhileADeliveredTransactionIsNotYetVisibleIsReadAgain() throws Exception {
        createTable("race", 10);
        TableReplica replica = new TableReplica("race");
        CamelContext context = route(uri("race_slot", "includeTables=public\\.race"), replica::apply);
        java.util.concurrent.CompletableFuture<Void> committing = null;
        try (io.cameldblog.core.testing.CapturedLog log = io.cameldblog.core.testing.CapturedLog.everything();
             java.sql.Connection waiting = pg.connect(DB); java.sql.Connection local = pg.connect(DB)) {
            sql(pg, DB, "ALTER SYSTEM SET synchronous_standby_names = 'nobody'", "SELECT pg_reload_conf()");
            try (java.sql.Statement s = local.createStatement()) {
                s.execute("SET synchronous_commit = local"); // this session's commits do not wait for the standby
            }
            String pid = backendPid(waiting);
            committing = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (java.sql.Statement s = waiting.createStatement()) {
                    s.execute("UPDATE race SET v = 777, payload = 'committed, waiting' WHERE id = 5");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // in the log and delivered, yet still running for every new snapshot
            await().atMost(Duration.ofSeconds(20)).until(() -> "777|committed, waiting".equals(replica.rows.get(5)));
            try (java.sql.Statement s = local.createStatement()) {
                s.execute("INSERT INTO dblog_signal VALUES ('race', 'execute-snapshot',"
                          + " '{\"data-collections\": [\"public.race\"]}')");
            }
            // the chunk is read now: either it is held back (and said so) or, stale, delivered
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !log.containing("misses transaction").isEmpty() || replica.snapshotRows.get() > 0);
            assertThat(replica.snapshotRows.get()).as("no chunk delivered while the update is invisible").isZero();
            try (java.sql.Statement s = local.createStatement()) {
                s.execute("SELECT pg_cancel_backend(" + pid + ")"); // stop waiting for the standby: now visible
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> replica.snapshotDone);
            assertThat(replica.rows).isEqualTo(TableReplica.real(pg, DB, "race")).containsEntry(5, "777|committed, waiting");
        } finally {
            sql(pg, DB, "ALTER SYSTEM RESET synchronous_standby_names", "SELECT pg_reload_conf()");
            if (committing != null) {
                committing.handle((ok, e) -> null).get(20, java.util.concurrent.TimeUnit.SECONDS);
            }
            context.stop();
        }
    }

    private static String backendPid(java.sql.Connection c) throws java.sql.SQLException {
        try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aSignalForAMissingTableOrWithABadConditionIsSkippedWithAWarningAndTheStreamGoesOn() throws Exception {
        createTable("later", 50);
        TableReplica replica = new TableReplica("later");
        CamelContext context = route(uri("bad_signal_slot", "includeTables=public\\.later"), replica::apply);
        try (io.cameldblog.core.testing.CapturedLog log = io.cameldblog.core.testing.CapturedLog.warnings()) {
            sql(pg, DB, "INSERT INTO dblog_signal VALUES ('typo', 'execute-snapshot',"
                        + " '{\"data-collections\": [\"public.latter\"]}')",
                    "INSERT INTO dblog_signal VALUES ('bad-where', 'execute-snapshot',"
                    + " '{\"data-collections\": [\"public.later\"], \"where\": \"no_such_column > 1\"}')",
                    "INSERT INTO dblog_signal VALUES ('good', 'execute-snapshot',"
                    + " '{\"data-collections\": [\"public.later\"], \"where\": \"id <= 20\"}')");
            await().atMost(Duration.ofSeconds(20)).until(() -> replica.snapshotDone);
            assertThat(replica.snapshotRows.get()).as("the rows the good signal's condition selects").isEqualTo(20);
            assertThat(log.containing("snapshot of public.latter is skipped")).hasSize(1);
            assertThat(log.containing("snapshot of public.later is skipped")).singleElement().satisfies(
                    e -> assertThat(e.getMessage().getFormattedMessage()).contains("no_such_column"));
            sql(pg, DB, "INSERT INTO later VALUES (51, 1, 'streamed')");
            await().atMost(Duration.ofSeconds(20)).until(() -> replica.rows.containsKey(51));
        } finally {
            context.stop();
        }
    }

    @Test
    void withTestDecodingASnapshotUnderAWriterIsExactToo() throws Exception {
        createTable("text_plugin", 5_000);
        TableReplica replica = new TableReplica("text_plugin");
        CamelContext context;
        try (ConcurrentWriter writer = new ConcurrentWriter(pg, DB, "text_plugin", 5_001, 4).start()) {
            context = route(uri("td_slot", "plugin=test_decoding&includeTables=public\\.text_plugin"
                                           + "&snapshotMode=initial&snapshotChunkSize=200"), replica::apply);
            await().atMost(Duration.ofSeconds(60)).until(() -> replica.snapshotDone);
        }
        try {
            Map<Integer, String> real = TableReplica.real(pg, DB, "text_plugin");
            await().atMost(Duration.ofSeconds(30)).until(() -> replica.rows.equals(real));
            assertThat(replica.logEventsDuringSnapshot.get()).isGreaterThan(0);
            assertThat(replica.snapshotRepeats.get()).isZero();
        } finally {
            context.stop();
        }
    }

    @Test
    void aSnapshotRowCarriesTheSameValuesAndTypesAsTheSameRowFromTheLog() throws Exception {
        sql(pg, DB,
                "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0)",
                "CREATE TABLE all_types (id int PRIMARY KEY, si smallint, bi bigint, num numeric(12,4), flag boolean,"
                                                                + " name text, vc varchar(20), ch char(3), data bytea, d date, t time, ts timestamp,"
                                                                + " tstz timestamptz, u uuid, j json, jb jsonb, ints int[], tags text[], m mood,"
                                                                + " f4 real, f8 double precision, pos positive_int, iv interval, big_text text,"
                                                                + " tz timetz, nan numeric, inf timestamp, ip inet, pt point)");
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        CamelContext context = route(uri("types_slot", "includeTables=public\\.all_types"), events::add);
        try {
            sql(pg, DB,
                    "INSERT INTO all_types VALUES (1, 7, 9000000000, 12.5000, true, 'text ä', 'vc', 'ab',"
                                + " '\\xdeadbeef', '2026-11-24', '10:15:30.123456', '2026-11-24 10:15:30.123456',"
                                + " '2026-11-24 10:15:30.5+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
                                + " '{\"a\": [1, 2.50, null]}', '{\"b\": {\"c\": true}}', '{1,2,NULL}', '{\"x y\",z}',"
                                + " 'happy', 1.5, 3.141592653589793, 5, '1 day 02:00:00', repeat('long ', 5000),"
                                + " '10:15:30+05:30', 'NaN', 'infinity', '10.0.0.1', '(1,2)')",
                    "INSERT INTO all_types (id) VALUES (2)");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 2);
            sql(pg, DB, "INSERT INTO dblog_signal VALUES ('types', 'execute-snapshot',"
                        + " '{\"data-collections\": [\"public.all_types\"]}')");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 4);
        } finally {
            context.stop();
        }
        List<ChangeEvent> fromLog = events.subList(0, 2);
        List<ChangeEvent> fromSnapshot = events.subList(2, 4);
        assertThat(fromLog).extracting(ChangeEvent::op).containsOnly(Operation.INSERT);
        assertThat(fromSnapshot).extracting(ChangeEvent::op).containsOnly(Operation.READ);
        for (int i = 0; i < 2; i++) {
            Map<String, Object> log = fromLog.get(i).after();
            Map<String, Object> snapshot = fromSnapshot.get(i).after();
            assertThat(snapshot.keySet()).containsExactlyElementsOf(log.keySet());
            for (String column : log.keySet()) {
                Object l = log.get(column);
                Object s = snapshot.get(column);
                assertThat(s == null ? null : s.getClass()).as(column + "'s type").isEqualTo(l == null ? null : l.getClass());
            }
            // exact equality (NaN equals NaN), not AssertJ's default tolerance for doubles
            assertThat(snapshot).usingRecursiveComparison()
                    .withEqualsForType(java.util.Objects::equals, Double.class)
                    .withEqualsForType(java.util.Objects::equals, Float.class)
                    .isEqualTo(log);
            assertThat(fromSnapshot.get(i).key()).isEqualTo(fromLog.get(i).key());
            assertThat(fromSnapshot.get(i).before()).isNull();
        }
        assertThat(fromSnapshot.get(1).source().extra()).containsEntry("snapshot", "last");
        assertThat(fromSnapshot.get(0).source().extra()).containsEntry("snapshot", true);
    }

    @Test
    void everyKeyTypeOrdersTheChunksAndInitialOnlyStopsTheRouteAfterTheSnapshot() throws Exception {
        sql(pg, DB,
                "CREATE TABLE k_bigint (k bigint PRIMARY KEY, v int)",
                "INSERT INTO k_bigint SELECT g * 10000000000 - 5, g FROM generate_series(-20, 20) g",
                "CREATE TABLE k_numeric (k numeric(10,3) PRIMARY KEY, v int)",
                "INSERT INTO k_numeric SELECT g / 7.0, g FROM generate_series(-20, 20) g",
                "CREATE TABLE k_text (k text COLLATE \"C\" PRIMARY KEY, v int)",
                "INSERT INTO k_text SELECT chr(65 + g % 26) || chr(97 + g % 7) || g, g FROM generate_series(1, 40) g",
                "INSERT INTO k_text VALUES ('a b', 0), ('A', 0), ('', 0), ('quote''s', 0), ('ä', 0)",
                "CREATE TABLE k_varchar (k varchar(20) PRIMARY KEY, v int)",
                "INSERT INTO k_varchar SELECT 'v' || g, g FROM generate_series(1, 40) g",
                "INSERT INTO k_varchar VALUES ('B', 0), ('b', 0), ('Ä', 0), ('a', 0), (' x', 0)",
                "CREATE TABLE k_uuid (k uuid PRIMARY KEY, v int)",
                "INSERT INTO k_uuid SELECT md5(g::text)::uuid, g FROM generate_series(1, 40) g",
                "CREATE TABLE k_ts (k timestamp PRIMARY KEY, v int)",
                "INSERT INTO k_ts SELECT timestamp '2026-01-01 00:00:00.000001' + g * interval '7 hours 3 seconds', g"
                                                         + " FROM generate_series(-20, 20) g",
                "CREATE TABLE k_tstz (k timestamptz PRIMARY KEY, v int)",
                "INSERT INTO k_tstz SELECT timestamptz '2026-03-29 00:30:00+00' + g * interval '17 minutes', g"
                                                           + " FROM generate_series(-20, 20) g",
                "CREATE TABLE k_composite (a int, b text, c date, v int, PRIMARY KEY (b, a, c))",
                "INSERT INTO k_composite SELECT g % 3, chr(97 + g % 4), date '2026-01-01' + g, g"
                                                                           + " FROM generate_series(1, 40) g");
        List<String> tables = List.of("k_bigint", "k_numeric", "k_text", "k_varchar", "k_uuid", "k_ts", "k_tstz",
                "k_composite");
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        CamelContext context = route(uri("keys_slot", "includeTables=public\\.k_.*&snapshotMode=initial_only"
                                                      + "&snapshotChunkSize=3"), events::add);
        try {
            // initial_only: the route stops itself once the last table's last row is delivered
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> context.getRouteController().getRouteStatus("snap") == ServiceStatus.Stopped);
        } finally {
            context.stop();
        }
        for (String table : tables) {
            String keyColumns = table.equals("k_composite") ? "b, a, c" : "k";
            List<String> expected = column(pg, DB, "SELECT (" + keyColumns + ")::text FROM " + table + " ORDER BY "
                                                   + keyColumns);
            List<String> delivered = new ArrayList<>();
            for (ChangeEvent e : events) {
                if (e.source().table().equals(table)) {
                    assertThat(e.op()).isEqualTo(Operation.READ);
                    delivered.add(e.key().toString());
                }
            }
            // each row once, in key order: the chunk boundaries (3 rows) neither skip nor repeat a key
            assertThat(delivered).as(table).hasSize(expected.size()).doesNotHaveDuplicates();
            assertThat(delivered.size()).as(table).isEqualTo(Integer.parseInt(query(pg, DB,
                    "SELECT count(*) FROM " + table)));
        }
        assertThat(events).allMatch(e -> e.op() == Operation.READ);
    }

    @Test
    void aPartitionedTableIsReadThroughItsRootUnderTheRootsName() throws Exception {
        sql(pg, DB, "CREATE TABLE parted (id int PRIMARY KEY, v int, payload text) PARTITION BY RANGE (id)",
                "CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (0) TO (500)",
                "CREATE TABLE parted_high PARTITION OF parted FOR VALUES FROM (500) TO (1000)",
                "INSERT INTO parted SELECT g, g, 'row ' || g FROM generate_series(1, 999) g");
        TableReplica replica = new TableReplica("parted");
        List<String> tables = new CopyOnWriteArrayList<>();
        CamelContext context = route(uri("parted_slot", "includeTables=public\\.parted.*&snapshotMode=initial"
                                                        + "&snapshotChunkSize=100"), e -> {
            tables.add(e.source().table());
            replica.apply(e);
        });
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> replica.snapshotDone);
            sql(pg, DB, "UPDATE parted SET v = -1 WHERE id IN (1, 999)");
            Map<Integer, String> real = TableReplica.real(pg, DB, "parted");
            await().atMost(Duration.ofSeconds(20)).until(() -> replica.rows.equals(real));
            assertThat(tables).containsOnly("parted");
            assertThat(replica.snapshotRows.get()).isEqualTo(999);
        } finally {
            context.stop();
        }
    }

    @Test
    void aTableDroppedDuringItsSnapshotEndsItsSnapshotAndTheStreamGoesOn() throws Exception {
        createTable("dropped", 100);
        sql(pg, DB, "CREATE TABLE after_drop (id int PRIMARY KEY)");
        java.util.concurrent.CountDownLatch firstRow = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch dropped = new java.util.concurrent.CountDownLatch(1);
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        CamelContext context = route(uri("dropped_slot", "includeTables=public\\.(dropped|after_drop)"
                                                         + "&snapshotMode=initial&snapshotTables=public\\.dropped&snapshotChunkSize=10"), e -> {
            events.add(e);
            if (e.op() == Operation.READ && firstRow.getCount() > 0) {
                firstRow.countDown();
                try {
                    dropped.await(); // the target holds the first chunk while the table goes
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try (io.cameldblog.core.testing.CapturedLog log = io.cameldblog.core.testing.CapturedLog.everything()) {
            assertThat(firstRow.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            sql(pg, DB, "DROP TABLE dropped");
            dropped.countDown();
            sql(pg, DB, "INSERT INTO after_drop VALUES (1)");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.stream()
                    .anyMatch(e -> e.source().table().equals("after_drop")));
            assertThat(events.stream().filter(e -> e.op() == Operation.READ)).hasSize(10);
            assertThat(log.containing("was dropped during its snapshot")).hasSize(1);
            assertThat(log.containing("reading the change log failed")).isEmpty();
        } finally {
            dropped.countDown();
            context.stop();
        }
    }

    @Test
    void aCapturedTableWithoutPrimaryKeyIsAClearError() throws Exception {
        sql(pg, DB, "CREATE TABLE no_key (a int, b text)", "ALTER TABLE no_key REPLICA IDENTITY FULL",
                "INSERT INTO no_key VALUES (1, 'x')");
        CamelContext context = route(uri("nokey_slot", "includeTables=public\\.no_key&snapshotMode=initial"),
                e -> {
                });
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                HealthCheck.Result health = ConsumerHealth.of(context, "snap");
                assertThat(health.getState()).isEqualTo(HealthCheck.State.DOWN);
                assertThat(health.getMessage().orElse("")).contains("Table public.no_key has no primary key",
                        "snapshotTables");
            });
        } finally {
            context.stop();
        }
    }

    @Test
    void whenNeededSnapshotsWhenTheStoredPositionIsGoneFromTheSlot() throws Exception {
        createTable("gone", 3_000);
        String slot = "gone_slot";
        String options = "includeTables=public\\.gone&snapshotMode=when_needed";
        String uri = PgTestSupport.uri(pg, slot, DB, slot, options);
        // the first run (no position stored) snapshots and streams
        TableReplica first = new TableReplica("gone");
        try (var run = resumable(uri, first)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> first.snapshotDone);
            sql(pg, DB, "INSERT INTO gone VALUES (3001, 1, 'streamed')");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.rows.containsKey(3001));
        }
        assertThat(first.rows).isEqualTo(TableReplica.real(pg, DB, "gone"));
        // changes the stored position never saw, then the slot moves past it (a DBA, another consumer)
        sql(pg, DB, "UPDATE gone SET v = -7 WHERE id <= 10", "DELETE FROM gone WHERE id > 2990");
        query(pg, DB, "SELECT end_lsn::text FROM pg_replication_slot_advance('" + slot + "', pg_current_wal_lsn())");
        TableReplica second = new TableReplica("gone");
        second.rows.putAll(first.rows);
        try (var run = resumable(uri, second)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> second.snapshotDone);
            Map<Integer, String> real = TableReplica.real(pg, DB, "gone");
            // the snapshot refreshes every row that exists; rows deleted in the gap are what a target must
            // reconcile itself (a snapshot holds no deletes)
            assertThat(second.rows).containsAllEntriesOf(real);
            assertThat(second.snapshotRows.get()).isEqualTo(real.size());
        }
    }

    private CamelContext resumable(String uri, TableReplica replica) throws Exception {
        CamelContext context = new DefaultCamelContext();
        FileResumeStrategy positions = new FileResumeStrategy(offsets);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("snap").resumable(positions)
                        .process(e -> replica.apply(e.getMessage().getBody(ChangeEvent.class)));
            }
        });
        context.start();
        return context;
    }
}
