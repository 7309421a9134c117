package io.cameldblog.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameldblog.sandbox.SandboxPostgres;

/**
 * Inserts, updates and deletes rows of a table {@code (id int PRIMARY KEY, v int, payload text)} until stopped,
 * anywhere in its key range (so inside, before and after the chunk a snapshot reads), one row or a range of rows per
 * transaction.
 */
final class ConcurrentWriter implements AutoCloseable {

    private final SandboxPostgres pg;
    private final String db;
    private final String table;
    private final Random random;
    private volatile boolean stop;
    private int nextId;
    final AtomicInteger transactions = new AtomicInteger();
    private CompletableFuture<Void> running;
    private long pauseNanos;

    /** @param firstNewId the id the first inserted row gets (the table holds ids below it) */
    ConcurrentWriter(SandboxPostgres pg, String db, String table, int firstNewId, long seed) {
        this.pg = pg;
        this.db = db;
        this.table = table;
        this.nextId = firstNewId;
        this.random = new Random(seed);
    }

    /**
     * A pause after each transaction: a load a slower route (one storing every position durably) keeps up with;
     * a log that grows faster than the route reads it keeps every chunk's watermark ahead of the reader.
     */
    ConcurrentWriter pausing(long micros) {
        this.pauseNanos = micros * 1000;
        return this;
    }

    ConcurrentWriter start() {
        running = CompletableFuture.runAsync(this::write);
        return this;
    }

    private void write() {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            while (!stop) {
                int id = 1 + random.nextInt(nextId);
                int kind = random.nextInt(10);
                if (kind < 3) {
                    s.execute("UPDATE " + table + " SET v = v + 1, payload = 'updated " + transactions.get()
                              + "' WHERE id = " + id);
                } else if (kind < 5) {
                    s.execute("DELETE FROM " + table + " WHERE id = " + id);
                } else if (kind < 7) {
                    s.execute("INSERT INTO " + table + " VALUES (" + nextId++ + ", 0, 'inserted')");
                } else if (kind < 8) {
                    // a deleted key comes back: the snapshot must not hold on to its old row either way
                    s.execute("INSERT INTO " + table + " VALUES (" + id + ", -1, 'again') ON CONFLICT (id) DO UPDATE"
                              + " SET v = " + table + ".v * 2, payload = 'upserted'");
                } else {
                    s.execute("UPDATE " + table + " SET v = v + 10 WHERE id BETWEEN " + id + " AND " + (id + 40));
                }
                transactions.incrementAndGet();
                if (pauseNanos > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Stops writing and waits for the last statement (and reports a writer that failed). */
    @Override
    public void close() throws Exception {
        stop = true;
        if (running != null) {
            running.get(30, TimeUnit.SECONDS);
        }
    }
}
