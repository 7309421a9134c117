package io.cameldblog.bench;

import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.cameldblog.sandbox.SandboxPostgres;

/**
 * PostgreSQL (zonky embedded) with the backlog in table {@code orders} (publication {@code bench_pub}), the
 * latency table {@code lat} (publication {@code lat_pub}) and, for snapshots, table {@code snap} (publication
 * {@code snap_pub}). Every backlog reader has its own slot per part, created before the data; the slots for the
 * one-row part are advanced past the 1 000-row part once it is written. A snapshot reader creates its own slot.
 */
final class PgBench implements BenchSource {

    /** A slot per backlog reader, part and round (--repeat), and the latency readers': more than the sandbox's 20. */
    private final SandboxPostgres pg = SandboxPostgres.start(Map.of("max_replication_slots", "64",
            "max_wal_senders", "64"));

    PgBench() throws Exception {
        pg.createDatabase("bench");
        try (Connection c = pg.connect("bench"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, customer int, sku text, total numeric(10,2),"
                      + " created timestamptz)");
            s.execute("CREATE TABLE lat (id bigint PRIMARY KEY, stamp_us bigint)");
            s.execute("CREATE PUBLICATION bench_pub FOR TABLE orders");
            s.execute("CREATE PUBLICATION lat_pub FOR TABLE lat");
        }
    }

    private static String slot(String run) {
        return run.replace('-', '_') + "_slot";
    }

    @Override
    public String title() {
        return "PostgreSQL 17 pgoutput";
    }

    @Override
    public void writeBacklog(int batchRows, int singleRows, List<String> runs) throws Exception {
        try (Connection c = pg.connect("bench"); Statement s = c.createStatement()) {
            for (String run : runs) {
                for (String part : ChangeStreamBenchmark.PARTS) {
                    s.execute("SELECT pg_create_logical_replication_slot('" + slot(run + "-" + part)
                              + "', 'pgoutput')");
                }
            }
            for (int start = 1; start <= batchRows; start += 1000) {
                s.execute("INSERT INTO orders SELECT g, g % 97, 'SKU-' || g, (g % 1000) + 0.25, now()"
                          + " FROM generate_series(" + start + ", " + Math.min(batchRows, start + 999) + ") g");
            }
            for (String run : runs) {
                s.execute("SELECT pg_replication_slot_advance('" + slot(run + "-single")
                          + "', pg_current_wal_lsn())");
            }
            // a DO block run outside a transaction may commit: one transaction per row, one round trip per block
            for (int start = batchRows + 1; start <= batchRows + singleRows; start += 10_000) {
                int last = Math.min(batchRows + singleRows, start + 9_999);
                s.execute("DO $$ BEGIN FOR i IN " + start + ".." + last + " LOOP INSERT INTO orders VALUES (i,"
                          + " i % 97, 'SKU-' || i, (i % 1000) + 0.25, now()); COMMIT; END LOOP; END $$");
            }
        }
    }

    @Override
    public Map<String, String> backlogArgs(String reader, String run, String part) {
        return connection(reader, "orders", slot(run + "-" + part), "bench_pub",
                "pgorders" + run.replace("-", "") + part);
    }

    @Override
    public Map<String, String> latencyArgs(String reader, String run) throws Exception {
        String slot = slot(run);
        try (Connection c = pg.connect("bench"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        }
        return connection(reader, "lat", slot, "lat_pub", "pglat" + run.replace("-", ""));
    }

    /**
     * Written while no slot exists (its WAL is not kept for anyone), 100 000 rows per transaction, then vacuumed and
     * checkpointed as a table that has long existed: visibility map set, statistics known, nothing dirty.
     */
    @Override
    public void loadSnapshotTable(int rows) throws Exception {
        try (Connection c = pg.connect("bench"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE snap (id bigint PRIMARY KEY, customer varchar(40), quantity int,"
                      + " price numeric(12,2), created timestamptz)");
            s.execute("CREATE PUBLICATION snap_pub FOR TABLE snap");
            for (long start = 1; start <= rows; start += 100_000) {
                s.execute("INSERT INTO snap SELECT g, 'customer-' || g % 10007, g % 100, (g % 100000) / 100.0,"
                          + " timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second'"
                          + " FROM generate_series(" + start + ", " + Math.min(rows, start + 99_999) + ") g");
            }
            s.execute("VACUUM ANALYZE snap");
            s.execute("CHECKPOINT");
        }
    }

    @Override
    public Map<String, String> snapshotArgs(String reader, String run) {
        return connection(reader, "snap", slot("snap-" + run), "snap_pub", "pgsnap" + run.replace("-", ""));
    }

    private Map<String, String> connection(String reader, String table, String slot, String publication,
                                           String name) {
        Map<String, String> args = new HashMap<>();
        args.put("source", "pg");
        args.put("reader", reader);
        args.put("name", name);
        args.put("table", table);
        args.put("host", pg.host());
        args.put("port", String.valueOf(pg.port()));
        args.put("database", "bench");
        args.put("user", pg.user());
        args.put("password", pg.password());
        args.put("slot", slot);
        args.put("publication", publication);
        return args;
    }

    @Override
    public Connection latencyConnection() throws Exception {
        return pg.connect("bench");
    }

    @Override
    public String latencyTable() {
        return "lat";
    }

    @Override
    public void close() {
        pg.close();
    }
}
