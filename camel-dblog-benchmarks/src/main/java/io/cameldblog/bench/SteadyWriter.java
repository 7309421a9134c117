package io.cameldblog.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes rows {@code (id, stamp_us)} at a fixed rate, auto-committed: each statement commits all rows that are
 * due, stamped with the wall clock just before it is sent. At 1 000 rows/s that is about one row per transaction;
 * at higher rates a statement carries the rows that came due while the previous one ran.
 */
final class SteadyWriter implements AutoCloseable {

    record Run(long rows, long transactions, double rowsPerSecond) {
    }

    private final Connection connection;
    private final Statement statement;
    private final String table;
    private long nextId;

    SteadyWriter(Connection connection, String table, long firstId) throws SQLException {
        this.connection = connection;
        this.statement = connection.createStatement();
        this.table = table;
        this.nextId = firstId;
    }

    /** A row the reader recognises as a probe: it says LIVE on the first one it reads. */
    void probe() throws SQLException {
        insert(1, LatencyRecorder.PROBE);
    }

    /** The row that ends the reader's run. */
    void end() throws SQLException {
        insert(1, LatencyRecorder.END);
    }

    /** Rows at the rate for {@code seconds}, stamped {@link LatencyRecorder#WARM_UP}: not measured. */
    void warmUp(int rowsPerSecond, int seconds) throws SQLException {
        run(rowsPerSecond, seconds, true);
    }

    Run run(int rowsPerSecond, int seconds) throws SQLException {
        return run(rowsPerSecond, seconds, false);
    }

    private Run run(int rowsPerSecond, int seconds, boolean warmUp) throws SQLException {
        long total = (long) rowsPerSecond * seconds;
        long written = 0;
        long transactions = 0;
        long start = System.nanoTime();
        while (written < total) {
            long due = Math.min(total, (System.nanoTime() - start) * rowsPerSecond / 1_000_000_000L);
            int rows = (int) Math.min(due - written, 1000);
            if (rows <= 0) {
                LockSupport.parkNanos(50_000);
                continue;
            }
            insert(rows, warmUp ? LatencyRecorder.WARM_UP : Contender.nowMicros());
            written += rows;
            transactions++;
        }
        return new Run(written, transactions, written * 1e9 / (System.nanoTime() - start));
    }

    private void insert(int rows, long stampMicros) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (id, stamp_us) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "(" : ",(").append(nextId++).append(',').append(stampMicros).append(')');
        }
        statement.executeUpdate(sql.toString());
    }

    long nextId() {
        return nextId;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
