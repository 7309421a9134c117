package io.cameldblog.sandbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small, steady shop workload on the sandbox MariaDB so the demo has changes to stream: every tick one
 * transaction inserts the next order (ids count up without gaps, also across restarts), marks the order three
 * ticks older as paid, and every tenth tick deletes an old order and touches a customer.
 */
public final class DemoWorkload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoWorkload.class);

    private final SandboxMariaDb db;
    private final SandboxPostgres pg;
    private final com.mongodb.client.MongoClient mongo;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-workload");
        t.setDaemon(true);
        return t;
    });
    private long nextId;

    private DemoWorkload(SandboxMariaDb db, SandboxPostgres pg, SandboxMongo mongo) {
        this.db = db;
        this.pg = pg;
        this.mongo = mongo == null ? null : com.mongodb.client.MongoClients.create(mongo.connectionString());
    }

    /** Creates the demo tables when missing. */
    public static void createTables(SandboxMariaDb db) {
        db.execute("CREATE DATABASE IF NOT EXISTS shop",
                "CREATE TABLE IF NOT EXISTS shop.customers (id INT PRIMARY KEY, name VARCHAR(50), city VARCHAR(50))",
                "CREATE TABLE IF NOT EXISTS shop.orders (id BIGINT PRIMARY KEY, customer_id INT, sku VARCHAR(20),"
                                                         + " total DECIMAL(10,2), status ENUM('new','paid','shipped'),"
                                                         + " created DATETIME(6))",
                "INSERT IGNORE INTO shop.customers VALUES (1, 'Ada', 'London'), (2, 'Grace', 'New York'),"
                                                         + " (3, 'Edsger', 'Austin')");
    }

    /** Creates the PostgreSQL demo table when missing: invoices in database {@code billing}. */
    public static void createTables(SandboxPostgres pg) {
        try (Connection c = pg.connect("billing"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY, order_id bigint, amount numeric(10,2),"
                      + " issued timestamptz, paid boolean)");
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Starts writing every {@code periodMillis} to the tables of {@link #createTables(SandboxMariaDb)} and, when
     * {@code pg} is given, an invoice per order into PostgreSQL (same ids, so both streams can be checked).
     */
    public static DemoWorkload start(SandboxMariaDb db, SandboxPostgres pg, SandboxMongo mongo, long periodMillis) {
        createTables(db);
        if (pg != null) {
            createTables(pg);
        }
        DemoWorkload workload = new DemoWorkload(db, pg, mongo);
        workload.nextId = workload.maxOrderId() + 1;
        workload.scheduler.scheduleWithFixedDelay(workload::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        return workload;
    }

    private long maxOrderId() {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM shop.orders")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void tick() {
        long id = nextId;
        try {
            // the invoice first: the next order id comes from MySQL, so a tick cut short (shutdown) is redone
            // from the invoice on, which is written only once
            if (pg != null) {
                invoice(id);
            }
            if (id % 10 == 0) {
                db.executeInTransaction(insert(id), "UPDATE shop.orders SET status = 'paid' WHERE id = " + (id - 3),
                        "DELETE FROM shop.orders WHERE id = " + (id - 9),
                        "UPDATE shop.customers SET city = CONCAT('City ', " + id + ") WHERE id = " + (1 + id % 3));
            } else {
                db.executeInTransaction(insert(id), "UPDATE shop.orders SET status = 'paid' WHERE id = " + (id - 3));
            }
            if (mongo != null) {
                review(id);
            }
            nextId = id + 1;
        } catch (RuntimeException e) {
            LOG.warn("Sandbox workload: order {} not written: {}", id, e.getMessage());
        }
    }

    /** The invoice of order {@code id}: written once (a retry after a failure finds it there). */
    private void invoice(long id) {
        try (Connection c = pg.connect("billing"); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO invoices VALUES (" + id + ", " + id + ", " + (id % 97) + ".50, now(), false)"
                      + " ON CONFLICT (id) DO NOTHING");
            s.execute("UPDATE invoices SET paid = true WHERE id = " + (id - 2));
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A product review document per order in the MongoDB stand-in (database shop, collection reviews). */
    private void review(long id) {
        var reviews = mongo.getDatabase("shop").getCollection("reviews");
        reviews.replaceOne(new org.bson.Document("_id", id), new org.bson.Document("order", id)
                .append("stars", (int) (1 + id % 5)).append("text", "review of order " + id)
                .append("author", new org.bson.Document("customer", 1 + id % 3)),
                new com.mongodb.client.model.ReplaceOptions().upsert(true));
        if (id > 1) {
            reviews.updateOne(new org.bson.Document("_id", id - 1),
                    new org.bson.Document("$set", new org.bson.Document("helpful", id % 7)));
        }
    }

    private static String insert(long id) {
        return "INSERT INTO shop.orders VALUES (" + id + ", " + (1 + id % 3) + ", 'SKU-" + id + "', "
               + (id % 97) + "." + (id % 100 < 10 ? "0" : "") + (id % 100) + ", 'new', NOW(6))";
    }

    @Override
    public void close() {
        scheduler.shutdown();
        try {
            // the tick in progress finishes first: its transaction is written whole, with the client it uses
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (mongo != null) {
                mongo.close();
            }
        }
    }
}
