package io.cameldblog.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import io.cameldblog.core.DbLogConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint's logical replication slot: found (and checked to be ours: logical, same plugin and database,
 * not invalidated, not in use) or created, and dropped on request.
 */
final class ReplicationSlot {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSlot.class);

    /** How long to wait for a slot still held by a walsender that is shutting down (our own last connection). */
    private static final long SLOT_RELEASE_WAIT_MS = 10_000;

    /** The slot as found or created. */
    record State(long confirmedFlushLsn, boolean created) {
    }

    private final PgWalEndpoint endpoint;

    ReplicationSlot(PgWalEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Finds the slot (waiting briefly for our own previous connection to let go of it) or creates it. */
    State findOrCreate(Connection c) throws SQLException {
        String name = endpoint.getSlot();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SLOT_RELEASE_WAIT_MS);
        // wal_status (invalidated slots) exists from PostgreSQL 13 on
        String walStatus = PgServerChecks.serverVersion(c) >= 130_000 ? "s.wal_status" : "NULL";
        while (true) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT s.slot_type, s.plugin, s.database, s.active, s.active_pid, s.confirmed_flush_lsn::text, "
                                                           + walStatus + " FROM pg_replication_slots s WHERE s.slot_name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return create(c);
                    }
                    if (!"logical".equals(rs.getString(1))) {
                        throw new DbLogConfigurationException("Replication slot '" + name + "' is a physical slot.",
                                "choose another slot name for this endpoint (slot=...).");
                    }
                    if (!endpoint.getPlugin().equals(rs.getString(2))) {
                        throw new DbLogConfigurationException(
                                "Replication slot '" + name + "' uses plugin " + rs.getString(2) + ", the endpoint plugin="
                                                              + endpoint.getPlugin() + ".",
                                "set plugin=" + rs.getString(2) + ", or use another slot name, or drop the slot"
                                                                                           + " (SELECT pg_drop_replication_slot('"
                                                                                           + name + "')).");
                    }
                    if (!endpoint.getDatabase().equals(rs.getString(3))) {
                        throw new DbLogConfigurationException(
                                "Replication slot '" + name + "' belongs to database " + rs.getString(3)
                                                              + ", not to " + endpoint.getDatabase() + ".",
                                "use another slot name for this database.");
                    }
                    if ("lost".equals(rs.getString(7))) {
                        throw new DbLogConfigurationException(
                                "Replication slot '" + name + "' was invalidated by the server (wal_status=lost): the"
                                                              + " WAL it needed was removed (max_slot_wal_keep_size) and changes"
                                                              + " are missing.",
                                "drop the slot (SELECT pg_drop_replication_slot('" + name + "')), re-load the tables"
                                                                                                   + " and start again from latest.");
                    }
                    if (rs.getBoolean(4)) {
                        if (System.nanoTime() < deadline) {
                            sleepBriefly();
                            continue;
                        }
                        throw inUse(rs.getString(5), null);
                    }
                    return new State(Lsn.parse(rs.getString(6)), false);
                }
            }
        }
    }

    DbLogConfigurationException inUse(String pid, Exception e) {
        return new DbLogConfigurationException(
                "Replication slot '" + endpoint.getSlot() + "' is in use by another connection"
                                               + (pid == null ? "" : " (server process " + pid + ")")
                                               + ": a slot serves one reader at a time.",
                "stop the other consumer of this slot, or give this endpoint its own slot=...; to end a stale"
                                                                                          + " connection: SELECT pg_terminate_backend(active_pid) FROM"
                                                                                          + " pg_replication_slots WHERE slot_name = '"
                                                                                          + endpoint.getSlot() + "'.",
                e);
    }

    private State create(Connection c) throws SQLException {
        String name = endpoint.getSlot();
        if (!endpoint.isCreateSlot()) {
            throw new DbLogConfigurationException("Replication slot '" + name + "' does not exist and createSlot=false.",
                    "create it (SELECT pg_create_logical_replication_slot('" + name + "', '" + endpoint.getPlugin()
                                                                                          + "')) or set createSlot=true.");
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT lsn::text FROM pg_create_logical_replication_slot(?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, endpoint.getPlugin());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long lsn = Lsn.parse(rs.getString(1));
                LOG.info("Created logical replication slot {} (plugin {}) at {}", name, endpoint.getPlugin(),
                        Lsn.format(lsn));
                return new State(lsn, true);
            }
        } catch (SQLException e) {
            if ("42710".equals(e.getSQLState())) {
                throw inUse(null, e); // created concurrently by another instance
            }
            // missing library, or one the server does not allow as an output plugin (output_plugin_libraries)
            if ("58P01".equals(e.getSQLState()) || "42704".equals(e.getSQLState())
                    || String.valueOf(e.getMessage()).contains("output plugin")) {
                throw new DbLogConfigurationException(
                        "The server cannot use output plugin '" + endpoint.getPlugin() + "': " + e.getMessage(),
                        "install the plugin on the server (Debian: postgresql-<version>-wal2json) and allow it"
                                                                                          + " where the server asks to, or use plugin=pgoutput.", e);
            }
            throw e;
        }
    }

    /** Drops the slot (dropSlotOnStop=true), waiting briefly for our walsender to exit; failures are logged. */
    static void drop(PgWalEndpoint endpoint) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SLOT_RELEASE_WAIT_MS);
        try (Connection c = new PgConnector(endpoint).connect();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, endpoint.getSlot());
            while (true) {
                try {
                    ps.execute();
                    LOG.info("Dropped replication slot {} (dropSlotOnStop=true)", endpoint.getSlot());
                    return;
                } catch (SQLException e) {
                    // 55006: the walsender of our connection has not exited yet
                    if (!"55006".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    sleepBriefly();
                }
            }
        } catch (SQLException e) {
            LOG.warn("Could not drop replication slot {}: {}", endpoint.getSlot(), e.getMessage());
        }
    }

    private static void sleepBriefly() {
        try {
            // polling the server's slot view: there is no notification when a walsender exits
            TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the replication slot", e);
        }
    }
}
