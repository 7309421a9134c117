package io.cameldblog.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.TableFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.cameldblog.postgres.PgCatalog.quote;

/**
 * The publication pgoutput reads: created when missing (for the tables matching the endpoint's filter, or all
 * tables), and checked for tables whose UPDATE/DELETE the server would reject once published.
 * <p>
 * Partitioned tables: pgoutput names the partition a row lives in unless the publication is created with
 * {@code publish_via_partition_root} (PostgreSQL 13+), and a filter naming the partitioned table would then drop
 * every row. So publications are created with it, an existing one of ours gets it, and where the server cannot
 * publish through the root (PostgreSQL 12) a filter naming a partitioned table is refused.
 */
final class Publication {

    private static final Logger LOG = LoggerFactory.getLogger(Publication.class);

    /** How much WAL after the slot's position the start-time probe decodes at most. */
    private static final long PROBE_WAL_BYTES = 64L * 1024 * 1024;

    private final PgWalEndpoint endpoint;
    private final String name;
    private final TableFilter filter;
    private boolean viaRoot;

    /** A captured table the publication does not list yet. */
    /**
     * @param newerThanSlot the table's catalogue entry is newer than the oldest transaction the slot may still
     *                      decode: it was created (or altered) after the slot's position, so rows it holds may be
     *                      changes the stream would have carried
     */
    record MissingTable(long oid, String schema, String table, boolean identified, boolean newerThanSlot) {
        String qualified() {
            return quote(schema) + "." + quote(table);
        }

        String display() {
            return schema + "." + table;
        }
    }

    Publication(PgWalEndpoint endpoint) {
        this.endpoint = endpoint;
        this.name = endpoint.effectivePublication();
        this.filter = endpoint.getTableFilter();
    }

    /** Creates the publication when missing and checks the replica identity of what it publishes. */
    void prepare(Connection c) throws SQLException {
        viaRoot = PgServerChecks.serverVersion(c) >= 130_000;
        if (!viaRoot) {
            refusePartitionedTables(c);
        }
        Boolean publishesViaRoot = publishesViaRoot(c, viaRoot);
        if (publishesViaRoot == null) {
            if (!endpoint.isCreatePublication()) {
                throw new DbLogConfigurationException(
                        "Publication '" + name + "' does not exist and createPublication=false.",
                        "create it (CREATE PUBLICATION \"" + name + "\" FOR TABLE ... WITH (publish_via_partition_root"
                                                                 + " = true)) or set createPublication=true.");
            }
            create(c, viaRoot);
        } else {
            if (viaRoot && !publishesViaRoot) {
                publishViaRoot(c);
            }
            addMissingTablesAtStart(c);
        }
        checkReplicaIdentity(c);
    }

    /**
     * @return whether the publication publishes partitions through their root (always false before 13), or null
     *         when it does not exist
     */
    private Boolean publishesViaRoot(Connection c, boolean serverHasIt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + (serverHasIt ? "pubviaroot" : "false") + " FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBoolean(1) : null;
            }
        }
    }

    /** An existing publication without it: rows of captured partitioned tables would carry partition names. */
    private void publishViaRoot(Connection c) throws SQLException {
        List<String> partitioned = capturedPartitionedTables(c);
        if (partitioned.isEmpty()) {
            return;
        }
        String sql = "ALTER PUBLICATION " + quote(name) + " SET (publish_via_partition_root = true)";
        if (!endpoint.isCreatePublication()) {
            throw new DbLogConfigurationException(
                    "Publication '" + name + "' publishes the partitions of " + String.join(", ", partitioned)
                                                  + " under their own names (publish_via_partition_root is off), so"
                                                  + " includeTables naming the partitioned table would drop every row.",
                    "run " + sql + "; (or set createPublication=true and camel-dblog does it).");
        }
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
        LOG.info("{} captures partitioned table(s) {}: {}", endpoint.getEndpointBaseUri(),
                String.join(", ", partitioned), sql);
    }

    /** Before PostgreSQL 13 a partitioned table cannot be published, only its partitions, under their names. */
    private void refusePartitionedTables(Connection c) throws SQLException {
        List<String> partitioned = capturedPartitionedTables(c);
        if (!partitioned.isEmpty() && !filter.isAll()) {
            throw new DbLogConfigurationException(
                    "includeTables names partitioned table(s) " + String.join(", ", partitioned) + ", which this"
                                                  + " PostgreSQL (before 13) cannot publish: pgoutput sends their rows only"
                                                  + " under each partition's name.",
                    "upgrade to PostgreSQL 13+ (rows then carry the partitioned table's name), or name the"
                                                                     + " partitions in includeTables (events then name"
                                                                     + " each partition).");
        }
    }

    private List<String> capturedPartitionedTables(Connection c) throws SQLException {
        List<String> partitioned = new ArrayList<>();
        for (String[] t : tables(c, "c.relkind = 'p' AND NOT c.relispartition")) {
            partitioned.add(t[0] + "." + t[1]);
        }
        return partitioned;
    }

    /**
     * Schema and name of the user tables matching the filter and {@code condition} on {@code pg_class c}.
     */
    private List<String[]> tables(Connection c, String condition) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_class c"
                                           + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                                           + " WHERE " + condition
                                           + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                                           + " AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1, 2")) {
            while (rs.next()) {
                if (filter.matches(rs.getString(1) + "." + rs.getString(2))) {
                    tables.add(new String[] { rs.getString(1), rs.getString(2) });
                }
            }
        }
        return tables;
    }

    /**
     * What a publication of the captured tables lists: on 13+ partitioned tables by their root (partitions
     * follow it), before 13 plain tables and partitions.
     */
    private static String publishableTables(boolean viaRoot) {
        return viaRoot ? "c.relkind IN ('r', 'p') AND NOT c.relispartition" : "c.relkind = 'r'";
    }

    private void create(Connection c, boolean viaRoot) throws SQLException {
        String sql;
        String with = viaRoot ? " WITH (publish_via_partition_root = true)" : "";
        if (filter.isAll()) {
            sql = "CREATE PUBLICATION " + quote(name) + " FOR ALL TABLES" + with;
        } else {
            List<String> tables = new ArrayList<>();
            for (String[] t : tables(c, publishableTables(viaRoot))) {
                tables.add(quote(t[0]) + "." + quote(t[1]));
            }
            if (tables.isEmpty()) {
                LOG.warn("No table matches includeTables/excludeTables of {}: publication {} is created empty; tables"
                         + " that match later are added while streaming (newTableCheckInterval)",
                        endpoint.getEndpointBaseUri(), name);
                sql = "CREATE PUBLICATION " + quote(name) + with;
            } else {
                sql = "CREATE PUBLICATION " + quote(name) + " FOR TABLE " + String.join(", ", tables) + with;
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            LOG.info("Created publication: {}", sql);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new DbLogConfigurationException(
                        "User '" + endpoint.getUsername() + "' may not create publication '" + name + "': "
                                                      + e.getMessage(),
                        "create it as a superuser or the tables' owner (" + sql + "), or set publication= to an"
                                                                        + " existing one.",
                        e);
            }
            throw e;
        }
    }

    /**
     * Captured tables the publication lacks at start. One created after the slot's position (while the route
     * was stopped) is left to the stream's first {@link NewTableCapture} check, which adds it and delivers the
     * rows it holds. An older one (the filter was widened) is added now, so its changes from here on arrive; the
     * rows it already holds predate the stream and are not events: said in a WARN, naming the table.
     */
    private void addMissingTablesAtStart(Connection c) throws SQLException {
        List<MissingTable> missing = missingTables(c);
        if (missing.isEmpty()) {
            return;
        }
        if (!endpoint.isCreatePublication()) {
            LOG.warn("{}: table(s) {} match includeTables/excludeTables but publication {} does not list them, so their"
                     + " rows are not sent (createPublication=false: camel-dblog leaves the publication as it is); add"
                     + " them with ALTER PUBLICATION {} ADD TABLE ...", endpoint.getEndpointBaseUri(),
                    missing.stream().map(MissingTable::display).toList(), name, quote(name));
            return;
        }
        for (MissingTable t : missing) {
            if (t.newerThanSlot() && endpoint.getNewTableCheckInterval() > 0) {
                // created while the route was stopped: added by the stream's first check, with the rows it holds
                continue;
            }
            requireIdentity(t);
            try (Statement s = c.createStatement()) {
                s.execute(addTable(t));
                boolean hasRows;
                try (ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + t.qualified() + ")")) {
                    hasRows = rs.next() && rs.getBoolean(1);
                }
                if (hasRows) {
                    LOG.warn("{}: added table {} to publication {}; the rows it already holds were written before"
                             + " it was published and are not events (load them into the target if it needs them);"
                             + " its changes from now on arrive",
                            endpoint.getEndpointBaseUri(), t.display(), name);
                } else {
                    LOG.info("{}: added table {} to publication {}", endpoint.getEndpointBaseUri(), t.display(), name);
                }
            } catch (SQLException e) {
                throw cannotAdd(t, e);
            }
        }
    }

    String addTable(MissingTable t) {
        return "ALTER PUBLICATION " + quote(name) + " ADD TABLE " + t.qualified();
    }

    /** Publishing a table without replica identity would make the server reject its UPDATE/DELETE. */
    void requireIdentity(MissingTable t) {
        if (!t.identified()) {
            throw new DbLogConfigurationException(
                    "Table " + t.display() + " matches includeTables/excludeTables but has no replica identity (no"
                                                  + " primary key, or REPLICA IDENTITY NOTHING): once published, PostgreSQL"
                                                  + " would reject its UPDATE/DELETE, so it is not added to publication '"
                                                  + name + "' and its rows cannot be captured.",
                    "add a primary key, or run ALTER TABLE " + t.qualified() + " REPLICA IDENTITY FULL; or exclude the"
                                                                        + " table with excludeTables.");
        }
    }

    DbLogConfigurationException cannotAdd(MissingTable t, SQLException e) {
        if (!"42501".equals(e.getSQLState())) {
            throw new IllegalStateException("Could not add " + t.display() + " to publication " + name + ": "
                                            + e.getMessage(), e);
        }
        return new DbLogConfigurationException(
                "Table " + t.display() + " matches includeTables/excludeTables but user '" + endpoint.getUsername()
                                               + "' may not add it to publication '" + name + "' (" + e.getMessage()
                                               + "), so its rows would not be sent.",
                "run " + addTable(t) + "; as the table's owner or a superuser, or exclude the table with excludeTables.",
                e);
    }

    /**
     * Captured tables the publication does not list (none for a FOR ALL TABLES publication), with whether they
     * have a replica identity.
     */
    List<MissingTable> missingTables(Connection c) throws SQLException {
        List<MissingTable> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT c.oid, n.nspname, c.relname, coalesce(age(c.xmin) <= (SELECT age(s.catalog_xmin)"
                                                       + "     FROM pg_replication_slots s WHERE s.slot_name = ?), false),"
                                                       + " c.relreplident = 'f'"
                                                       + " OR (c.relreplident = 'd' AND EXISTS (SELECT 1 FROM pg_index i"
                                                       + "     WHERE i.indrelid = c.oid AND i.indisprimary))"
                                                       + " OR (c.relreplident = 'i' AND EXISTS (SELECT 1 FROM pg_index i"
                                                       + "     WHERE i.indrelid = c.oid AND i.indisreplident))"
                                                       + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                                       + " WHERE " + publishableTables(viaRoot)
                                                       + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                                                       + " AND n.nspname NOT LIKE 'pg\\_toast%'"
                                                       + " AND NOT EXISTS (SELECT 1 FROM pg_publication_tables pt"
                                                       + "     WHERE pt.pubname = ? AND pt.schemaname = n.nspname"
                                                       + "     AND pt.tablename = c.relname)"
                                                       + " ORDER BY 2, 3")) {
            ps.setString(1, endpoint.getSlot());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (filter.matches(rs.getString(2) + "." + rs.getString(3))) {
                        missing.add(new MissingTable(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(5),
                                rs.getBoolean(4)));
                    }
                }
            }
        }
        return missing;
    }

    String name() {
        return name;
    }

    /**
     * pgoutput reads the publication through the slot's historic catalogue: for a change at a given position it
     * sees the publication only if the publication existed there. A publication created after the slot (a
     * runbook that creates the slot first, or one dropped and re-created) makes the first change in between fail
     * with {@code publication "..." does not exist}, on every reconnect. Found here before streaming: when the
     * publication is not older than the slot's catalogue horizon, the slot is peeked for its first change (the
     * same decoding the stream would do, without consuming it; at most {@link #PROBE_WAL_BYTES} of WAL). Only
     * valid when streaming starts at the slot's confirmed position.
     */
    void checkReadableFromSlot(Connection c, long confirmedFlushLsn) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT age(p.xmin) <= age(s.catalog_xmin) FROM pg_publication p, pg_replication_slots s"
                                                       + " WHERE p.pubname = ? AND s.slot_name = ?")) {
            ps.setString(1, name);
            ps.setString(2, endpoint.getSlot());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return; // the publication predates everything the slot can still decode
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_logical_slot_peek_binary_changes(?, ?::pg_lsn, 1, 'proto_version', '1',"
                                                       + " 'publication_names', ?)")) {
            ps.setString(1, endpoint.getSlot());
            // the first change decides (the publication is missing there or visible from there on); a slot whose
            // first change lies further on is not decoded twice: the stream would report it (missingAtSlot)
            ps.setString(2, Lsn.format(confirmedFlushLsn + PROBE_WAL_BYTES));
            ps.setString(3, name);
            ps.executeQuery().close();
        } catch (SQLException e) {
            DbLogConfigurationException missing = missingAtSlot(endpoint, e);
            if (missing != null) {
                throw missing;
            }
            throw e;
        }
    }

    /**
     * The server's {@code publication "..." does not exist} while decoding, as the error a person can act on, or
     * null for other errors.
     */
    static DbLogConfigurationException missingAtSlot(PgWalEndpoint endpoint, SQLException e) {
        String message = String.valueOf(e.getMessage());
        if (!"42704".equals(e.getSQLState()) || !message.contains("publication")) {
            return null;
        }
        String slot = endpoint.getSlot();
        return new DbLogConfigurationException(
                "Replication slot '" + slot + "' holds changes from before publication '"
                                               + endpoint.effectivePublication() + "' existed (the publication was created"
                                               + " after the slot, or dropped and re-created): pgoutput reads the"
                                               + " publication as the catalogue was at each change's position in the"
                                               + " slot, so the server stops with: " + message,
                "create the publication first, then the slot: drop the slot (SELECT pg_drop_replication_slot('" + slot
                                                                                                 + "')) and start"
                                                                                                 + " again (camel-dblog creates it"
                                                                                                 + " after the publication), then re-load the"
                                                                                                 + " captured tables for changes written"
                                                                                                 + " since the old slot was created.",
                e);
    }

    /**
     * UPDATE and DELETE on a published table without a replica identity fail on the server (for every
     * application writing to it), and pgoutput cannot say which row changed: refuse to start instead.
     */
    private void checkReplicaIdentity(Connection c) throws SQLException {
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
            ps.setString(1, name);
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
}
