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
 */
final class Publication {

    private static final Logger LOG = LoggerFactory.getLogger(Publication.class);

    private final PgWalEndpoint endpoint;
    private final String name;
    private final TableFilter filter;

    Publication(PgWalEndpoint endpoint) {
        this.endpoint = endpoint;
        this.name = endpoint.effectivePublication();
        this.filter = endpoint.getTableFilter();
    }

    /** Creates the publication when missing and checks the replica identity of what it publishes. */
    void prepare(Connection c) throws SQLException {
        if (!exists(c)) {
            if (!endpoint.isCreatePublication()) {
                throw new DbLogConfigurationException(
                        "Publication '" + name + "' does not exist and createPublication=false.",
                        "create it (CREATE PUBLICATION \"" + name + "\" FOR TABLE ...) or set createPublication=true.");
            }
            create(c);
        }
        checkReplicaIdentity(c);
    }

    private boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void create(Connection c) throws SQLException {
        String sql;
        if (filter.isAll()) {
            sql = "CREATE PUBLICATION " + quote(name) + " FOR ALL TABLES";
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
                        endpoint.getEndpointBaseUri(), name, name);
                sql = "CREATE PUBLICATION " + quote(name);
            } else {
                sql = "CREATE PUBLICATION " + quote(name) + " FOR TABLE " + String.join(", ", tables);
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
