package io.cameldblog.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.StartPosition;
import io.cameldblog.core.consumer.ChangeEventSink;
import io.cameldblog.core.consumer.ChangeLogReader;
import io.cameldblog.core.testing.ConsumerHealth;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Snapshots on a real MariaDB: the rows that exist are read in primary-key chunks while a writer inserts, updates
 * and deletes all through the snapshot, and the table rebuilt from the route's events equals the real table.
 */
class MysqlBinlogSnapshotTest {

    private static final int BIG = 500_000;

    static SandboxMariaDb db;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    static void createTable(String table, int rows) {
        db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, k VARCHAR(20), qty INT, note VARCHAR(40))",
                "INSERT INTO " + table + " SELECT seq, CONCAT('k-', seq), seq % 100, 'loaded' FROM shop.seq_1_to_"
                                                                                  + rows);
    }

    static String uri(String name, String options) {
        return MysqlBinlogStreamTest.uri(name, options, db);
    }

    @Test
    void initialSnapshotOfHalfAMillionRowsWithAConcurrentWriterRebuildsTheTableExactly() throws Exception {
        createTable("shop.big", BIG);
        long started = System.nanoTime();
        try (RebuiltTable route = new RebuiltTable(uri("big", "includeTables=shop\\.big&snapshotMode=initial"));
             TableWriter writer = new TableWriter(db, "shop.big", BIG, 1)) {
            route.start();
            await().atMost(Duration.ofSeconds(180)).until(() -> route.snapshotsCompleted.get() == 1);
            // changes go on after the snapshot: the hand-off to streaming only loses nothing if they arrive too
            long atEnd = writer.statements();
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.statements() > atEnd + 200);
            writer.stop();
            assertRebuilt(route, "shop.big");
            assertThat(route.snapshotDuplicates.get()).as("rows the snapshot read twice").isZero();
            assertThat(writer.statements()).as("changes written during the test").isGreaterThan(1000);
            System.out.printf("snapshot of %d rows with %d concurrent changes: %d ms (%d rows by the snapshot, %d"
                              + " log events)%n", BIG, writer.statements(), (System.nanoTime() - started) / 1_000_000,
                    route.snapshotRows.get(), route.logEvents.get());
        }
    }

    @Test
    void aSignalRowStartsAnIncrementalSnapshotWhileStreamingAndTheTableIsRebuiltExactly() throws Exception {
        createTable("shop.inc", 50_000);
        db.execute("CREATE TABLE IF NOT EXISTS shop.dblog_signal (id VARCHAR(64) PRIMARY KEY, type VARCHAR(32),"
                   + " data TEXT)");
        try (RebuiltTable route = new RebuiltTable(uri("inc", "includeTables=shop\\.inc&snapshotChunkSize=500"))
                .start()) {
            try (TableWriter writer = new TableWriter(db, "shop.inc", 50_000, 2)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> route.logEvents.get() > 100);
                assertThat(route.snapshotRows.get()).as("rows read before the signal").isZero();
                db.execute("INSERT INTO shop.dblog_signal VALUES ('snap-1', 'execute-snapshot',"
                           + " '{\"data-collections\": [\"shop.inc\"]}')");
                await().atMost(Duration.ofSeconds(60)).until(() -> route.snapshotsCompleted.get() == 1);
                long atEnd = writer.statements();
                await().atMost(Duration.ofSeconds(30)).until(() -> writer.statements() > atEnd + 200);
            }
            assertRebuilt(route, "shop.inc");
            assertThat(route.snapshotDuplicates.get()).isZero();
        }
    }

    @Test
    void aSignalWithAWhereConditionReadsOnlyTheMatchingRows() throws Exception {
        createTable("shop.filtered", 1_000);
        db.execute("CREATE TABLE IF NOT EXISTS shop.dblog_signal (id VARCHAR(64) PRIMARY KEY, type VARCHAR(32),"
                   + " data TEXT)");
        try (CapturingRoute route = new CapturingRoute(uri("filtered", "includeTables=shop\\.filtered")).start()) {
            db.execute("INSERT INTO shop.filtered VALUES (1001, 'k-1001', 1, 'after start')");
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() == 1);
            db.execute("INSERT INTO shop.dblog_signal VALUES ('snap-where', 'execute-snapshot',"
                       + " '{\"data-collections\": [\"shop.filtered\"], \"where\": \"qty = 7\"}')");
            await().atMost(Duration.ofSeconds(20)).until(() -> route.events().stream()
                    .anyMatch(e -> "last".equals(e.source().extra().get("snapshot"))));
            List<ChangeEvent> read = route.events().stream().filter(e -> e.op() == Operation.READ).toList();
            assertThat(read).hasSize(10).allSatisfy(e -> assertThat(e.after()).containsEntry("qty", 7));
            // the signal row itself is never routed
            assertThat(route.events()).noneMatch(e -> e.source().table().equals("dblog_signal"));
        }
    }

    @Test
    void aTableWithoutPrimaryKeyIsRefusedNamingTheTableAndTheFix() throws Exception {
        db.execute("CREATE TABLE shop.nopk (a INT, b INT)", "INSERT INTO shop.nopk VALUES (1, 1)");
        try (CapturingRoute route = new CapturingRoute(uri("nopk", "includeTables=shop\\.nopk&snapshotMode=initial"
                                                                   + "&reconnectDelay=200"))) {
            ConsumerHealth.enable(route.context());
            route.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> ConsumerHealth.of(route.context(), "capture")
                    .getState() == HealthCheck.State.DOWN);
            assertThat(ConsumerHealth.of(route.context(), "capture").getMessage()).get().asString()
                    .contains("shop.nopk has no primary key", "ADD PRIMARY KEY", "snapshotTables");
            assertThat(route.received()).isEmpty();
        }
    }

    @Test
    void whenNeededSnapshotsWhenTheStartPositionIsGoneFromTheServer() throws Exception {
        createTable("shop.gone", 10);
        try (CapturingRoute route = new CapturingRoute(uri("gone", "includeTables=shop\\.gone"
                                                                   + "&snapshotMode=when_needed&startPosition=mysql-bin.000999:4"))
                .start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() == 10);
            db.execute("INSERT INTO shop.gone VALUES (11, 'k-11', 1, 'after')");
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received().size() == 11);
            assertThat(route.events()).extracting(ChangeEvent::op).containsOnly(Operation.READ, Operation.INSERT)
                    .endsWith(Operation.INSERT);
        }
    }

    /**
     * A watermark older than the reader's position is kept only when nothing but events that change no row lie
     * in between (a rotation's new file header); a transaction in between makes the chunk be read again.
     */
    @Test
    void aWatermarkBehindTheReaderIsKeptOnlyAcrossEventsThatChangeNoRow() throws Exception {
        db.execute("CREATE TABLE shop.marks (id INT PRIMARY KEY)");
        try (Connection c = db.rootConnection()) {
            ServerVersion version = ServerVersion.parse(c.getMetaData().getDatabaseProductVersion());
            BinlogPosition beforeInsert = SnapshotWatermark.logEnd(c, version);
            db.execute("INSERT INTO shop.marks VALUES (1)");
            BinlogPosition afterInsert = SnapshotWatermark.logEnd(c, version);
            db.execute("FLUSH BINARY LOGS");
            BinlogPosition afterRotation = SnapshotWatermark.logEnd(c, version);
            List<String> files = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
                while (rs.next()) {
                    files.add(rs.getString(1));
                }
            }
            assertThat(SnapshotWatermark.compare(afterRotation, afterInsert)).isPositive();
            assertThat(SnapshotWatermark.onlyNonTransactionEventsBetween(c, afterInsert, afterRotation, files))
                    .isTrue();
            assertThat(SnapshotWatermark.onlyNonTransactionEventsBetween(c, beforeInsert, afterInsert, files))
                    .isFalse();
            assertThat(SnapshotWatermark.onlyNonTransactionEventsBetween(c, beforeInsert, afterRotation, files))
                    .isFalse();
        }
    }

    /**
     * On an idle log the server's heartbeats tell the reader where the log ends: it reports that position as
     * between transactions, so a chunk waiting for its watermark is delivered when nothing else is written.
     */
    @Test
    void anIdleReaderIsBetweenTransactionsAtTheLogsEndOnEveryHeartbeat() throws Exception {
        List<BinlogPosition> between = new CopyOnWriteArrayList<>();
        ChangeEventSink<BinlogPosition> sink = new ChangeEventSink<>() {
            @Override
            public void emit(ChangeEvent event) {
            }

            @Override
            public void advance(BinlogPosition position) {
            }

            @Override
            public void betweenTransactions(BinlogPosition position) {
                between.add(position);
            }
        };
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            MysqlBinlogEndpoint endpoint = context.getEndpoint(uri("idle", "heartbeatInterval=300"),
                    MysqlBinlogEndpoint.class);
            ChangeLogReader<BinlogPosition> reader = endpoint.createReader();
            reader.open(StartPosition.latest());
            Thread streaming = new Thread(() -> {
                try {
                    reader.stream(sink);
                } catch (Exception e) {
                    // closed by the test
                }
            });
            streaming.start();
            try {
                // the start, then heartbeats at the log's end (which a binlog checkpoint the server writes on its
                // own may have moved since the start)
                await().atMost(Duration.ofSeconds(10)).until(() -> between.size() >= 3);
                BinlogPosition end;
                try (Connection c = db.rootConnection()) {
                    end = SnapshotWatermark.logEnd(c, ServerVersion.parse(c.getMetaData().getDatabaseProductVersion()));
                }
                int heartbeats = between.size();
                await().atMost(Duration.ofSeconds(10)).until(() -> between.size() > heartbeats);
                assertThat(between.get(between.size() - 1).text()).isEqualTo(end.text());
            } finally {
                reader.close();
                streaming.join(10_000);
            }
        }
    }

    static void assertRebuilt(RebuiltTable route, String table) throws Exception {
        try (Connection c = db.rootConnection()) {
            Map<Integer, String> real = RebuiltTable.read(c, table);
            // the writer has stopped: the route catches up with the table
            await().atMost(Duration.ofSeconds(60)).until(() -> RebuiltTable.differences(real, route.rows).isEmpty());
            assertThat(RebuiltTable.differences(real, route.rows)).isEmpty();
        }
    }
}
