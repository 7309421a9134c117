package io.cameldblog.mysql;

import java.nio.file.Path;
import java.util.Random;

import io.cameldblog.core.testing.CrashLoop;
import io.cameldblog.core.testing.LaggingProxy;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route runs in a child JVM that is killed with {@code kill -9} at random moments while a writer inserts 50 000
 * rows in transactions of 1 to 500 rows; each time it is started again. Afterwards every row is there, and each
 * run after a kill starts with exactly the rows processed after the last stored position (at most maxUnstored + 1,
 * same payloads), then delivers only new rows. Positions in files, in ZooKeeper, and in a ZooKeeper slower than the
 * stream.
 */
class MysqlBinlogCrashTest {

    private static final int ROWS = 50_000;
    private static final int KILLS = 4;
    private static final int MAX_UNSTORED = 50;

    static SandboxMariaDb db;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    @ParameterizedTest(name = "positions in {0}")
    @ValueSource(strings = { "files", "zookeeper", "slow-zookeeper" })
    void killNineAtRandomMomentsLosesNothingAndDuplicatesOnlyUnstoredRows(String store) throws Exception {
        String table = "crash_" + store.replace('-', '_');
        db.execute("CREATE TABLE shop." + table + " (id INT PRIMARY KEY, payload VARCHAR(40))");
        String uri = "mysqlbinlog:" + table + "?host=" + db.host() + "&port=" + db.port() + "&username="
                     + SandboxMariaDb.USER + "&password=" + SandboxMariaDb.PASSWORD + "&includeTables=shop\\." + table
                     + "&startPosition=earliest&reconnectDelay=100";
        try (TestingServer zooKeeper = store.endsWith("zookeeper") ? new TestingServer() : null;
             LaggingProxy slow = "slow-zookeeper".equals(store) ? LaggingProxy.to(zooKeeper.getConnectString())
                     : null) {
            String positions = zooKeeper == null ? null : zooKeeper.getConnectString();
            int maxUnstored = MAX_UNSTORED;
            if (slow != null) {
                // every ZooKeeper request and answer 20 ms late: the store is far slower than the stream, which
                // keeps its speed with the default maxUnstored; a kill replays what waited
                slow.setLatencyMillis(20);
                positions = slow.address();
                maxUnstored = 10_000;
            }
            CrashLoop.Result result = new CrashLoop(dir, uri, "id", maxUnstored, positions)
                    .run(ROWS, KILLS, () -> write(table));
            assertThat(result.missing()).as("rows lost").isEmpty();
            assertThat(result.counts()).hasSize(ROWS);
            // docs/resume.md: a kill -9 repeats at most maxUnstored + 1 rows, those processed just before it
            assertThat(result.replayViolations(maxUnstored + 1)).as("each killed run's replay").isEmpty();
        }
    }

    /** 50 000 rows in transactions of 1 to 500 rows. */
    private static void write(String table) {
        Random random = new Random(7);
        int next = 1;
        while (next <= ROWS) {
            int size = Math.min(1 + random.nextInt(500), ROWS - next + 1);
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < size; i++) {
                values.append(i == 0 ? "" : ",").append('(').append(next + i).append(",'row ").append(next + i)
                        .append("')");
            }
            db.executeInTransaction("INSERT INTO shop." + table + " VALUES " + values);
            next += size;
        }
    }
}
