package io.cameldblog.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Catalogue look-ups the decoders and the setup share. */
final class PgCatalog {

    private PgCatalog() {
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

    /**
     * Schema and name of the partitioned table at the top of the partition tree {@code qualifiedTable} (as a text
     * plugin writes it) belongs to, or null for a table that is no partition (or was dropped meanwhile).
     */
    static String[] partitionRoot(Connection c, String qualifiedTable) {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT n.nspname, r.relname FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace"
                                                       + " WHERE r.oid = pg_partition_root(?::regclass)"
                                                       + " AND r.oid <> ?::regclass")) {
            ps.setString(1, qualifiedTable);
            ps.setString(2, qualifiedTable);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[] { rs.getString(1), rs.getString(2) } : null;
            }
        } catch (SQLException e) {
            return null;
        }
    }

    static long currentWalLsn(Connection c) throws SQLException {
        return Lsn.parse(single(c, "SELECT pg_current_wal_lsn()::text"));
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
