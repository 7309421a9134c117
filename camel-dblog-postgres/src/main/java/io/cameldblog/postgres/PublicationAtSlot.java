package io.cameldblog.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import io.cameldblog.core.DbLogConfigurationException;

/**
 * Whether the slot can read the publication: pgoutput looks the publication up in the catalogue as it was at
 * each change's position, so the publication must be older than every change the slot still has.
 */
final class PublicationAtSlot {

    /** How much WAL after the slot's position the start-time probe decodes at most. */
    private static final long PROBE_WAL_BYTES = 64L * 1024 * 1024;

    private final PgWalEndpoint endpoint;
    private final String name;

    PublicationAtSlot(PgWalEndpoint endpoint) {
        this.endpoint = endpoint;
        this.name = endpoint.effectivePublication();
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
    void checkReadable(Connection c, long confirmedFlushLsn) throws SQLException {
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
}
