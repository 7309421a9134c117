package io.cameldblog.sandbox;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the routes app's {@code --sandbox} mode starts: local servers with their data kept under one
 * directory (so a stopped and restarted demo continues its change streams), demo tables and a workload. The
 * app reads {@link #properties()} (the same keys its {@code application.properties} takes from the
 * environment) and loads this class in its own class loader, so production users never carry the binaries.
 */
public final class DemoSandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoSandbox.class);

    private final SandboxMariaDb mariaDb;
    private final SandboxBroker broker;
    private final SandboxZooKeeper zooKeeper;
    private final SandboxPostgres postgres;
    private final SandboxMongo mongo;
    private final SandboxKafka kafka;
    private final long workloadPeriodMillis;
    private DemoWorkload workload;
    private final Map<String, String> properties = new LinkedHashMap<>();

    private DemoSandbox(Path dir, long workloadPeriodMillis) {
        this.workloadPeriodMillis = workloadPeriodMillis;
        mariaDb = SandboxMariaDb.startIn(dir.resolve("mariadb"));
        try {
            mariaDb.execute("CREATE DATABASE IF NOT EXISTS replica",
                    "CREATE TABLE IF NOT EXISTS replica.orders (id BIGINT PRIMARY KEY, customer_id INT,"
                                                               + " sku VARCHAR(20), total DECIMAL(10,2),"
                                                               + " status VARCHAR(10), created DATETIME(6))");
            DemoWorkload.createTables(mariaDb);
            broker = SandboxBroker.start();
            zooKeeper = SandboxZooKeeper.startIn(dir.resolve("zookeeper"));
            postgres = SandboxPostgres.startIn(dir.resolve("postgres"));
            if (!databaseExists(postgres, "billing")) {
                postgres.createDatabase("billing");
            }
            DemoWorkload.createTables(postgres);
            // in memory: the stand-in's file backend does not keep the oplog in insertion order
            mongo = SandboxMongo.start();
            kafka = SandboxKafka.startIn(dir.resolve("kafka"));
        } catch (RuntimeException e) {
            mariaDb.close();
            throw e;
        }
        properties.put("mysql.enabled", "true");
        properties.put("mysql.host", mariaDb.host());
        properties.put("mysql.port", String.valueOf(mariaDb.port()));
        properties.put("mysql.username", SandboxMariaDb.USER);
        properties.put("mysql.password", SandboxMariaDb.PASSWORD);
        // the first run streams the demo tables from their creation; later runs continue from the stored position
        properties.put("mysql.startPosition", "earliest");
        properties.put("replica.enabled", "true");
        properties.put("broker.enabled", "true");
        properties.put("broker.url", broker.url());
        properties.put("dblog.zookeeper", zooKeeper.connectString());
        properties.put("pg.enabled", "true");
        properties.put("pg.host", postgres.host());
        properties.put("pg.port", String.valueOf(postgres.port()));
        properties.put("pg.database", "billing");
        properties.put("pg.username", postgres.user());
        properties.put("pg.password", postgres.password());
        properties.put("pg.startPosition", "earliest");
        properties.put("mongo.enabled", "true");
        properties.put("mongo.uri", mongo.connectionString());
        properties.put("mongo.startPosition", "earliest");
        // the stand-in starts empty each time (a new oplog): a new stream name, so no stale position applies
        properties.put("mongo.stream", "reviews-" + System.currentTimeMillis());
        properties.put("kafka.enabled", "true");
        properties.put("kafka.bootstrapServers", kafka.bootstrapServers());
        properties.put("replica.url", mariaDb.jdbcUrl("replica"));
        properties.put("replica.username", "root");
        properties.put("replica.password", "");
        LOG.info("Sandbox MariaDB on {}:{} (data in {})", mariaDb.host(), mariaDb.port(), dir);
        LOG.info("Sandbox broker (ActiveMQ Artemis) on {}", broker.url());
        LOG.info("Sandbox ZooKeeper on {} (positions under /camel-dblog/offsets)", zooKeeper.connectString());
        LOG.info("Sandbox Kafka broker (KRaft, compacted topics dblog.<db>.<table>) on {}", kafka.bootstrapServers());
        LOG.info("Sandbox PostgreSQL on {}:{} (database billing)", postgres.host(), postgres.port());
        LOG.info("Sandbox MongoDB stand-in (mongo-java-server in memory, not a real mongod; empty at each start) on {}",
                mongo.connectionString());
    }

    /** Starts writing: call it once the routes run, so the demo shows changes arriving live. */
    public synchronized void startWorkload() {
        if (workload == null) {
            workload = DemoWorkload.start(mariaDb, postgres, mongo, workloadPeriodMillis);
            LOG.info("Sandbox workload: one transaction every {} ms on shop.orders and shop.customers",
                    workloadPeriodMillis);
        }
    }

    private static boolean databaseExists(SandboxPostgres pg, String name) {
        try (java.sql.Connection c = pg.connect("postgres"); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
            return rs.next();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Starts the sandbox with its data under {@code dir}; the workload writes one transaction per period. */
    public static DemoSandbox start(Path dir, long workloadPeriodMillis) {
        return new DemoSandbox(dir, workloadPeriodMillis);
    }

    /** Connection settings of the started servers, as application properties. */
    public Map<String, String> properties() {
        return Map.copyOf(properties);
    }

    /** Stops writing first, then the servers. */
    @Override
    public void close() {
        try {
            if (workload != null) {
                workload.close();
            }
        } finally {
            try {
                kafka.close();
                broker.close();
            } finally {
                try {
                    zooKeeper.close();
                } finally {
                    try {
                        postgres.close();
                        mongo.close();
                    } finally {
                        mariaDb.close();
                    }
                }
            }
        }
    }
}
