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
 * The publication's table list against the filter: which captured tables it lacks, whether each may be added
 * (replica identity, ownership), and adding them at start. While streaming, {@link NewTableCapture} adds them.
 */
final class PublicationMembers {

    private static final Logger LOG = LoggerFactory.getLogger(PublicationMembers.class);

    private final PgWalEndpoint endpoint;
    private final String name;
    private final TableFilter filter;
    private final boolean viaRoot;

    /**
     * A captured table the publication does not list yet.
     *
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

    /** @param viaRoot the server publishes partitioned tables through their root (PostgreSQL 13+) */
    PublicationMembers(PgWalEndpoint endpoint, boolean viaRoot) {
        this.endpoint = endpoint;
        this.name = endpoint.effectivePublication();
        this.filter = endpoint.getTableFilter();
        this.viaRoot = viaRoot;
    }

    /**
     * Captured tables the publication lacks at start. One created after the slot's position (while the route
     * was stopped) is left to the stream's first {@link NewTableCapture} check, which adds it and delivers the
     * rows it holds. An older one (the filter was widened) is added now, so its changes from here on arrive; the
     * rows it already holds predate the stream and are not events: said in a WARN, naming the table.
     */
    void addMissingAtStart(Connection c) throws SQLException {
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
                                                       + " WHERE " + Publication.publishableTables(viaRoot)
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
}
