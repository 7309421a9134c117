package io.cameldblog.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.tls.TlsFailure;
import io.cameldblog.core.TableFilter;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything checked and prepared on the server before streaming: connection, {@code wal_level}, the
 * REPLICATION attribute, the slot (created when missing), the publication (created when missing) and the
 * replica identity of captured tables. Each problem a person must fix becomes a
 * {@link DbLogConfigurationException} that says what to change.
 */
final class PgReplicationSetup {

    private static final Logger LOG = LoggerFactory.getLogger(PgReplicationSetup.class);

    /** How long to wait for a slot still held by a walsender that is shutting down (our own last connection). */
    private static final long SLOT_RELEASE_WAIT_MS = 10_000;

    /** The slot as found or created. */
    record Slot(long confirmedFlushLsn, boolean created) {
    }

    private final PgWalEndpoint endpoint;

    PgReplicationSetup(PgWalEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** An ordinary connection for checks and catalogue lookups. */
    Connection connect() throws SQLException {
        try {
            return DriverManager.getConnection(endpoint.jdbcUrl(), credentials());
        } catch (SQLException e) {
            throw connectionProblem(e);
        }
    }

    /** A walsender connection in database mode, as logical replication needs. */
    Connection connectForReplication() throws SQLException {
        Properties p = credentials();
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "12");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        try {
            return DriverManager.getConnection(endpoint.jdbcUrl(), p);
        } catch (SQLException e) {
            throw connectionProblem(e);
        }
    }

    private Properties credentials() {
        Properties p = new Properties();
        PGProperty.USER.set(p, endpoint.getUsername());
        if (endpoint.getPassword() != null) {
            PGProperty.PASSWORD.set(p, endpoint.getPassword());
        }
        PGProperty.APPLICATION_NAME.set(p, "camel-dblog " + endpoint.getName());
        PGProperty.CONNECT_TIMEOUT.set(p, 10);
        PgTls.applyTo(p, endpoint);
        return p;
    }

    private SQLException connectionProblem(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        switch (state) {
            case "28P01":
            case "28000":
                if (e.getMessage() != null && e.getMessage().contains("replication")) {
                    throw noReplicationPrivilege(e);
                }
                throw new DbLogConfigurationException(
                        "PostgreSQL at " + endpoint.getHost() + ":" + endpoint.getPort() + " rejected user '"
                                                      + endpoint.getUsername() + "': " + e.getMessage(),
                        "check the username and password options, and that pg_hba.conf admits this user to database '"
                               + endpoint.getDatabase() + "' (and to 'replication' connections).",
                        e);
            case "3D000":
                throw new DbLogConfigurationException(
                        "Database '" + endpoint.getDatabase() + "' does not exist on " + endpoint.getHost() + ":"
                                                      + endpoint.getPort() + ".",
                        "set the database option to an existing database.", e);
            case "42501":
                throw noReplicationPrivilege(e);
            default:
                // pgjdbc reports a failed host name check without an SSLException in the chain, only in its message
                String text = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
                if (TlsFailure.in(e) || text.contains("ssl") || text.contains("hostnameverifier")) {
                    throw TlsFailure.refused("PostgreSQL server at " + endpoint.getHost() + ":" + endpoint.getPort()
                                             + " (sslMode=" + endpoint.effectiveSslMode() + ")", e,
                            "set sslRootCert to the CA that signed the server's certificate, connect by a host name"
                            + " the certificate names, or use sslMode=verify-ca (no host name check) or require.");
                }
                return e; // network, server starting or shutting down: a retry may help
        }
    }

    private DbLogConfigurationException noReplicationPrivilege(Exception e) {
        return new DbLogConfigurationException(
                "User '" + endpoint.getUsername() + "' may not stream logical replication (it lacks the REPLICATION"
                                               + " attribute)" + (e == null ? "." : ": " + e.getMessage()),
                "run ALTER ROLE \"" + endpoint.getUsername() + "\" WITH REPLICATION; (as a superuser), or use a"
                                                                                      + " user that has it.",
                e);
    }

    /** Checks the server and prepares slot and publication; returns the slot's state. */
    Slot prepare(Connection c) throws SQLException {
        checkWalLevel(c);
        checkPrivilege(c);
        Slot slot = slot(c);
        if ("pgoutput".equals(endpoint.getPlugin())) {
            publication(c);
        }
        return slot;
    }

    private void checkWalLevel(Connection c) throws SQLException {
        String level = single(c, "SHOW wal_level");
        if (!"logical".equals(level)) {
            throw new DbLogConfigurationException(
                    "PostgreSQL at " + endpoint.getHost() + ":" + endpoint.getPort() + " runs with wal_level="
                                                  + level + "; logical decoding needs wal_level=logical.",
                    "set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and"
                                                                                             + " restart the server.");
        }
    }

    private void checkPrivilege(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(
                     "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
            if (rs.next() && !rs.getBoolean(1)) {
                throw noReplicationPrivilege(null);
            }
        }
    }

    private Slot slot(Connection c) throws SQLException {
        String name = endpoint.getSlot();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SLOT_RELEASE_WAIT_MS);
        while (true) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT s.slot_type, s.plugin, s.database, s.active, s.active_pid, s.confirmed_flush_lsn::text,"
                                                           + " s.wal_status FROM pg_replication_slots s WHERE s.slot_name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return createSlot(c);
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
                        throw slotInUse(rs.getString(5), null);
                    }
                    return new Slot(Lsn.parse(rs.getString(6)), false);
                }
            }
        }
    }

    DbLogConfigurationException slotInUse(String pid, Exception e) {
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

    private Slot createSlot(Connection c) throws SQLException {
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
                return new Slot(lsn, true);
            }
        } catch (SQLException e) {
            if ("42710".equals(e.getSQLState())) {
                throw slotInUse(null, e); // created concurrently by another instance
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

    private void publication(Connection c) throws SQLException {
        String pub = endpoint.effectivePublication();
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, pub);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        TableFilter filter = endpoint.getTableFilter();
        if (!exists) {
            if (!endpoint.isCreatePublication()) {
                throw new DbLogConfigurationException(
                        "Publication '" + pub + "' does not exist and createPublication=false.",
                        "create it (CREATE PUBLICATION \"" + pub + "\" FOR TABLE ...) or set createPublication=true.");
            }
            createPublication(c, pub, filter);
        }
        checkReplicaIdentity(c, pub, filter);
    }

    private void createPublication(Connection c, String pub, TableFilter filter) throws SQLException {
        String sql;
        if (filter.isAll()) {
            sql = "CREATE PUBLICATION " + quote(pub) + " FOR ALL TABLES";
        } else {
            List<String> tables = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_class c"
                                               + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                                               + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition"
                                               + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                                               + " AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1, 2")) {
                while (rs.next()) {
                    if (filter.matches(rs.getString(1) + "." + rs.getString(2))) {
                        tables.add(quote(rs.getString(1)) + "." + quote(rs.getString(2)));
                    }
                }
            }
            if (tables.isEmpty()) {
                LOG.warn("No table matches includeTables/excludeTables of {}: publication {} is created empty; add"
                         + " tables with ALTER PUBLICATION {} ADD TABLE ...",
                        endpoint.getEndpointBaseUri(), pub, pub);
                sql = "CREATE PUBLICATION " + quote(pub);
            } else {
                sql = "CREATE PUBLICATION " + quote(pub) + " FOR TABLE " + String.join(", ", tables);
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            LOG.info("Created publication: {}", sql);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new DbLogConfigurationException(
                        "User '" + endpoint.getUsername() + "' may not create publication '" + pub + "': "
                                                      + e.getMessage(),
                        "create it as a superuser or the tables' owner (" + sql + "), or set publication= to an"
                                                                        + " existing one.",
                        e);
            }
            throw e;
        }
    }

    /**
     * UPDATE and DELETE on a published table without a replica identity fail on the server (for every
     * application writing to it), and pgoutput cannot say which row changed: refuse to start instead.
     */
    private void checkReplicaIdentity(Connection c, String pub, TableFilter filter) throws SQLException {
        List<String> bad = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pt.schemaname, pt.tablename FROM pg_publication_tables pt"
                                                       + " JOIN pg_publication p ON p.pubname = pt.pubname"
                                                       + " JOIN pg_namespace n ON n.nspname = pt.schemaname"
                                                       + " JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename"
                                                       + " WHERE pt.pubname = ? AND (p.pubupdate OR p.pubdelete) AND ("
                                                       + "   c.relreplident = 'n'"
                                                       + "   OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i"
                                                       + "        WHERE i.indrelid = c.oid AND i.indisprimary))"
                                                       + "   OR (c.relreplident = 'i' AND NOT EXISTS (SELECT 1 FROM pg_index i"
                                                       + "        WHERE i.indrelid = c.oid AND i.indisreplident)))"
                                                       + " ORDER BY 1, 2")) {
            ps.setString(1, pub);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String t = rs.getString(1) + "." + rs.getString(2);
                    if (filter.matches(t)) {
                        bad.add(t);
                    }
                }
            }
        }
        if (!bad.isEmpty()) {
            String first = bad.get(0);
            throw new DbLogConfigurationException(
                    "Captured table(s) " + String.join(", ", bad) + " have no replica identity (no primary key, or"
                                                  + " REPLICA IDENTITY NOTHING): PostgreSQL rejects their UPDATE/DELETE"
                                                  + " while they are published, and the change log could not say which"
                                                  + " row changed.",
                    "add a primary key, or run ALTER TABLE " + first + " REPLICA IDENTITY FULL; or exclude the"
                                                                  + " table with excludeTables.");
        }
    }

    /** Primary key columns of a table, in key order (empty when it has none). */
    static List<String> primaryKey(Connection c, int relationId) {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                                                       + " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = ? AND i.indisprimary"
                                                       + " ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
            ps.setLong(1, Integer.toUnsignedLong(relationId));
            List<String> cols = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(rs.getString(1));
                }
            }
            return List.copyOf(cols);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the primary key of relation " + relationId + ": "
                                            + e.getMessage(), e);
        }
    }

    /** Primary key columns of a table by its qualified name as a text plugin writes it. */
    static List<String> primaryKey(Connection c, String qualifiedTable) {
        try (PreparedStatement ps = c.prepareStatement("SELECT ?::regclass::oid")) {
            ps.setString(1, qualifiedTable);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return primaryKey(c, (int) rs.getLong(1));
            }
        } catch (SQLException e) {
            return List.of(); // dropped meanwhile: no key to offer
        }
    }

    static long currentWalLsn(Connection c) throws SQLException {
        return Lsn.parse(single(c, "SELECT pg_current_wal_lsn()::text"));
    }

    static void dropSlot(PgWalEndpoint endpoint) {
        PgReplicationSetup setup = new PgReplicationSetup(endpoint);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SLOT_RELEASE_WAIT_MS);
        try (Connection c = setup.connect();
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

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
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
