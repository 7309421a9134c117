package io.cameldblog.mysql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.cameldblog.sandbox.SandboxMariaDb;

/**
 * Writes into a table {@code (id INT PRIMARY KEY, k VARCHAR, qty INT, note VARCHAR)} while a test runs: inserts of
 * new keys, updates and deletes of random existing keys, alone or a few in one transaction, until stopped.
 */
final class TableWriter implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong statements = new AtomicLong();
    private final CompletableFuture<Void> done;

    TableWriter(SandboxMariaDb db, String table, int existingRows, long seed) {
        done = CompletableFuture.runAsync(() -> {
            Random random = new Random(seed);
            int next = existingRows + 1;
            try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
                while (running.get()) {
                    boolean transaction = random.nextInt(4) == 0;
                    if (transaction) {
                        c.setAutoCommit(false);
                    }
                    int n = transaction ? 2 + random.nextInt(5) : 1;
                    for (int i = 0; i < n; i++) {
                        int op = random.nextInt(3);
                        int id = 1 + random.nextInt(next - 1);
                        if (op == 0) {
                            s.executeUpdate("INSERT INTO " + table + " VALUES (" + next + ", 'new-" + next + "', 1, 'n')");
                            next++;
                        } else if (op == 1) {
                            s.executeUpdate("UPDATE " + table + " SET qty = qty + 1, note = 'u" + statements.get()
                                            + "' WHERE id = " + id);
                        } else {
                            s.executeUpdate("DELETE FROM " + table + " WHERE id = " + id);
                        }
                        statements.incrementAndGet();
                    }
                    if (transaction) {
                        c.commit();
                        c.setAutoCommit(true);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    long statements() {
        return statements.get();
    }

    /** Stops writing and waits for the last statement. */
    void stop() throws Exception {
        running.set(false);
        done.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
