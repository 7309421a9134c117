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

    private final PgWalEndpoint endpoint;
    private final String name;
    private final TableFilter filter;
    private boolean viaRoot;

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
            members().addMissingAtStart(c);
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
    static String publishableTables(boolean viaRoot) {
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

    /** The table list against the filter; valid after {@link #prepare}. */
    PublicationMembers members() {
        return new PublicationMembers(endpoint, viaRoot);
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
