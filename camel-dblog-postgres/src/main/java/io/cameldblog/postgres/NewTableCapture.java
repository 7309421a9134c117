package io.cameldblog.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.cameldblog.postgres.PgCatalog.quote;

/**
 * Keeps the publication's table list in step with the filter while streaming: pgoutput sends rows only of
 * tables in the publication, so a table created after the start (or one that starts to match) would never be
 * captured. Every {@code newTableCheckInterval} the catalogue is asked for captured tables the publication does
 * not list; each is added in one transaction that first locks it against writes ({@code SHARE}), adds it,
 * reads the rows it already holds and delivers them as {@code op = r}, then commits. Rows written before the
 * commit are in that read, rows written after it are in the stream: none is lost. A failure before the commit
 * rolls the addition back, so the next check (after a reconnect) reads them again: at least once.
 */
final class NewTableCapture {

    private static final Logger LOG = LoggerFactory.getLogger(NewTableCapture.class);

    /** How long to wait for writers of a new table before trying again at the next check. */
    private static final long LOCK_WAIT_MS = 5_000;

    /** Where the rows a table held when it was added go. */
    interface ExistingRows {
        void deliver(PgRelation table, Map<String, Object> row) throws Exception;
    }

    private final PgWalEndpoint endpoint;
    private final PublicationMembers publication;
    private final Connection jdbc;
    private final PgValueConverter values;
    private final long intervalNanos;
    private long nextCheck;

    NewTableCapture(PgWalEndpoint endpoint, PublicationMembers publication, Connection jdbc, PgValueConverter values) {
        this.endpoint = endpoint;
        this.publication = publication;
        this.jdbc = jdbc;
        this.values = values;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(endpoint.getNewTableCheckInterval());
        // at once: tables created while the route was stopped were left for this first check
        this.nextCheck = System.nanoTime();
    }

    boolean due() {
        return System.nanoTime() - nextCheck >= 0;
    }

    /**
     * Adds the captured tables the publication lacks. Call between transactions only, when {@link #due()}.
     *
     * @param keepalive run now and then while rows are delivered, so the replication connection stays alive
     */
    void check(ExistingRows rows, Runnable keepalive) throws Exception {
        for (PublicationMembers.MissingTable t : publication.missingTables(jdbc)) {
            add(t, rows, keepalive);
        }
        nextCheck = System.nanoTime() + intervalNanos;
    }

    private void add(PublicationMembers.MissingTable t, ExistingRows rows, Runnable keepalive) throws Exception {
        publication.requireIdentity(t);
        PgRelation relation = relation(t);
        jdbc.setAutoCommit(false);
        boolean committed = false;
        try (Statement s = jdbc.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '" + LOCK_WAIT_MS + "ms'");
            // no write to the table can commit between the read below and the addition becoming visible
            s.execute("LOCK TABLE " + t.qualified() + " IN SHARE MODE");
            s.execute(publication.addTable(t));
            long count = 0;
            s.setFetchSize(1000);
            try (ResultSet rs = s.executeQuery(selectAsText(relation, t))) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 0; i < relation.columns().size(); i++) {
                        PgRelation.Column c = relation.columns().get(i);
                        String text = rs.getString(i + 1);
                        row.put(c.name(), text == null ? null : values.fromText(c.typeOid(), text));
                    }
                    rows.deliver(relation, row);
                    count++;
                    keepalive.run();
                }
            }
            jdbc.commit();
            committed = true;
            LOG.info("{}: table {} matches the filter and was added to publication {}; {} row(s) it held were"
                     + " delivered as op=r, its changes follow in the stream",
                    endpoint.getEndpointBaseUri(), t.display(), publication.name(), count);
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
                LOG.info("{}: new table {} is busy (lock not granted in {} ms); adding it at the next check",
                        endpoint.getEndpointBaseUri(), t.display(), LOCK_WAIT_MS);
                return;
            }
            if ("42P01".equals(e.getSQLState())) {
                return; // dropped meanwhile
            }
            throw publication.cannotAdd(t, e);
        } finally {
            if (!committed) {
                rollbackQuietly();
            }
            jdbc.setAutoCommit(true);
        }
    }

    /** The table's columns as pgoutput would describe them (generated columns are not published). */
    private PgRelation relation(PublicationMembers.MissingTable t) throws SQLException {
        List<PgRelation.Column> columns = new ArrayList<>();
        try (PreparedStatement ps = jdbc.prepareStatement(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped"
                                                          + " AND attgenerated = '' ORDER BY attnum")) {
            ps.setLong(1, t.oid());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new PgRelation.Column(rs.getString(1), (int) rs.getLong(2), -1, false));
                }
            }
        }
        return new PgRelation((int) t.oid(), t.schema(), t.table(), 'd', List.copyOf(columns),
                PgCatalog.primaryKey(jdbc, (int) t.oid()));
    }

    /** Every value in its text form, exactly what pgoutput sends, so values are typed alike. */
    private static String selectAsText(PgRelation relation, PublicationMembers.MissingTable t) {
        List<String> columns = new ArrayList<>();
        for (PgRelation.Column c : relation.columns()) {
            columns.add(quote(c.name()) + "::text");
        }
        return "SELECT " + (columns.isEmpty() ? "1" : String.join(", ", columns)) + " FROM " + t.qualified();
    }

    private void rollbackQuietly() {
        try {
            jdbc.rollback();
        } catch (SQLException e) {
            LOG.debug("Rollback failed", e);
        }
    }
}
