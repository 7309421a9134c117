package io.cameldblog.mysql;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.testing.ResumableRun;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transactions as nested-transaction frameworks (Spring {@code NESTED}, Django {@code atomic}, Rails
 * {@code requires_new}) write them: savepoints, rollbacks to savepoints, writes to other tables in between. On
 * MariaDB 11 the statements inside a transaction are logged with offset 0; a rollback to a savepoint after a write
 * to a non-transactional table is logged after the rows it undoes, and so is a whole rolled-back transaction.
 */
class MysqlBinlogTransactionsTest {

    static SandboxMariaDb db;

    @TempDir
    Path offsets;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.other (id INT PRIMARY KEY)",
                "CREATE TABLE shop.plain (id INT PRIMARY KEY) ENGINE=MyISAM");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    private static String uri(String table) {
        return MysqlBinlogStreamTest.uri(table, "includeTables=shop\\." + table + "&startPosition=earliest"
                                                + "&reconnectDelay=50", db);
    }

    @Test
    void rowsAroundSavepointsArriveOnceAndRowsRolledBackToASavepointNever() throws Exception {
        db.execute("CREATE TABLE shop.nested (id INT PRIMARY KEY)");
        List<Integer> all = new ArrayList<>();
        try (ResumableRun first = new ResumableRun(uri("nested"), new FileResumeStrategy(offsets), "id", id -> false)) {
            // an uncaptured write first: nothing is delivered before the savepoint, whose offset is 0 on MariaDB 11
            db.executeInTransaction("INSERT INTO shop.other VALUES (1)",
                    "SAVEPOINT a",
                    "INSERT INTO shop.nested VALUES (1)",
                    "SAVEPOINT b",
                    "INSERT INTO shop.nested VALUES (2)",
                    // only transactional rows since b: the server drops them from the log
                    "ROLLBACK TO SAVEPOINT b",
                    "SAVEPOINT c",
                    "INSERT INTO shop.nested VALUES (3)",
                    // a non-transactional write since c: the server logs ROLLBACK TO after row 3
                    "INSERT INTO shop.plain VALUES (1)",
                    "ROLLBACK TO SAVEPOINT c",
                    "INSERT INTO shop.nested VALUES (4)",
                    "RELEASE SAVEPOINT a",
                    "INSERT INTO shop.nested VALUES (5)");
            assertThat(binlogStatements()).as("row 3 is in the log, undone by the logged ROLLBACK TO")
                    .containsSubsequence("SAVEPOINT `c`", "Write_rows_v1", "ROLLBACK TO `c`");
            db.execute("INSERT INTO shop.nested VALUES (6)");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.processed.contains(6));
            all.addAll(first.processed);
        }
        // a restart continues after the stored position: nothing again
        try (ResumableRun second = new ResumableRun(uri("nested"), new FileResumeStrategy(offsets), "id", id -> false)) {
            db.execute("INSERT INTO shop.nested VALUES (7)");
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains(7));
            all.addAll(second.processed);
        }
        assertThat(all).containsExactly(1, 4, 5, 6, 7);
    }

    @Test
    void aRolledBackTransactionWhoseRowsAreInTheLogDeliversNone() throws Exception {
        db.execute("CREATE TABLE shop.undone (id INT PRIMARY KEY)");
        try (ResumableRun run = new ResumableRun(uri("undone"), new FileResumeStrategy(offsets), "id", id -> false)) {
            try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("INSERT INTO shop.undone VALUES (1)");
                // a temporary table in the transaction makes the server log it, rows and ROLLBACK
                s.execute("CREATE TEMPORARY TABLE shop.scratch (id INT)");
                s.execute("INSERT INTO shop.undone VALUES (2)");
                c.rollback();
            }
            assertThat(binlogStatements()).as("the rolled-back rows are in the log, followed by ROLLBACK")
                    .containsSubsequence("Write_rows_v1", "Write_rows_v1", "ROLLBACK");
            db.execute("INSERT INTO shop.undone VALUES (3)");
            await().atMost(Duration.ofSeconds(20)).until(() -> run.processed.contains(3));
            assertThat(run.processed).containsExactly(3);
        }
        assertThat(count("SELECT COUNT(*) FROM shop.undone")).isEqualTo(1);
    }

    /** Event type, or the statement for query events, of the current binlog file. */
    private static List<String> binlogStatements() throws SQLException {
        List<String> events = new ArrayList<>();
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            String file;
            try (var rs = s.executeQuery("SHOW BINARY LOGS")) {
                file = null;
                while (rs.next()) {
                    file = rs.getString(1);
                }
            }
            try (var rs = s.executeQuery("SHOW BINLOG EVENTS IN '" + file + "'")) {
                while (rs.next()) {
                    events.add("Query".equals(rs.getString("Event_type")) ? rs.getString("Info")
                            : rs.getString("Event_type"));
                }
            }
        }
        return events;
    }

    @Test
    void aRestartInsideATransactionWithSavepointsDeliversEveryRowExactlyOnce() throws Exception {
        db.execute("CREATE TABLE shop.resumed (id INT PRIMARY KEY)");
        List<Integer> all = new ArrayList<>();
        // the target rejects row 4 in the first run, every time: the run stops inside the transaction
        try (ResumableRun first = new ResumableRun(uri("resumed"), new FileResumeStrategy(offsets), "id", id -> id == 4)) {
            db.executeInTransaction("INSERT INTO shop.other VALUES (10)",
                    "INSERT INTO shop.resumed VALUES (1)",
                    "SAVEPOINT a",
                    "INSERT INTO shop.resumed VALUES (2)",
                    "INSERT INTO shop.plain VALUES (3)",
                    "ROLLBACK TO SAVEPOINT a",
                    "INSERT INTO shop.resumed VALUES (3)",
                    "SAVEPOINT b",
                    "INSERT INTO shop.resumed VALUES (4)",
                    "INSERT INTO shop.other VALUES (11)",
                    "SAVEPOINT c",
                    "INSERT INTO shop.resumed VALUES (5)");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.failures.get() >= 2);
            assertThat(first.processed).containsExactly(1, 3);
            all.addAll(first.processed);
        }
        try (ResumableRun second = new ResumableRun(uri("resumed"), new FileResumeStrategy(offsets), "id", id -> false)) {
            db.execute("INSERT INTO shop.resumed VALUES (6)");
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains(6));
            all.addAll(second.processed);
        }
        assertThat(all).containsExactly(1, 3, 4, 5, 6);
    }

    @Test
    void anXaTransactionIsDeliveredOnceAtItsPrepareAndARestartDoesNotRepeatIt() throws Exception {
        db.execute("CREATE TABLE shop.xa (id INT PRIMARY KEY)");
        List<Integer> all = new ArrayList<>();
        try (ResumableRun first = new ResumableRun(uri("xa"), new FileResumeStrategy(offsets), "id", id -> false)) {
            db.execute("XA START 'order-1'", "INSERT INTO shop.xa VALUES (1)", "SAVEPOINT a",
                    "INSERT INTO shop.xa VALUES (2)", "XA END 'order-1'", "XA PREPARE 'order-1'",
                    "XA COMMIT 'order-1'");
            db.execute("INSERT INTO shop.xa VALUES (3)");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.processed.contains(3));
            all.addAll(first.processed);
        }
        assertThat(binlogStatements()).as("MariaDB logs the XA transaction up to its prepare, then the commit")
                .containsSubsequence("Write_rows_v1", "XA_prepare", "XA COMMIT X'6f726465722d31',X'',1");
        try (ResumableRun second = new ResumableRun(uri("xa"), new FileResumeStrategy(offsets), "id", id -> false)) {
            db.execute("INSERT INTO shop.xa VALUES (4)");
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains(4));
            all.addAll(second.processed);
        }
        assertThat(all).containsExactly(1, 2, 3, 4);
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
