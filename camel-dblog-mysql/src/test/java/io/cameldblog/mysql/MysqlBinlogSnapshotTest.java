package io.cameldblog.mysql;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;

import io.cameldblog.sandbox.SandboxMariaDb;
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

    static void assertRebuilt(RebuiltTable route, String table) throws Exception {
        try (Connection c = db.rootConnection()) {
            Map<Integer, String> real = RebuiltTable.read(c, table);
            await().atMost(Duration.ofSeconds(60)).until(() -> route.rows.size() == real.size()
                                                              && RebuiltTable.differences(real, route.rows).isEmpty()
                                                              || RebuiltTable.read(c, table).size() < 0);
            assertThat(RebuiltTable.differences(real, route.rows)).isEmpty();
        }
    }
}
