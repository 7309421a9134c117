package io.cameldblog.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a type OID is, for types the converter does not know by number: arrays (and their element type), enums,
 * domains (converted as their base type), composite and other types (kept as text). Looked up once per OID in
 * {@code pg_type} over the reader's ordinary connection.
 */
class PgTypeRegistry {

    /**
     * @param kind    {@code b} base, {@code e} enum, {@code d} domain, {@code c} composite, {@code r} range, ...
     * @param element the element type of an array, else 0
     * @param base    the base type of a domain, else 0
     * @param delim   the array element delimiter (',' for almost everything, ';' for box)
     */
    record PgType(int oid, String schema, String name, char kind, int element, int base, char delim) {
    }

    private final Connection catalogue;
    private final Map<Integer, PgType> byOid = new ConcurrentHashMap<>();
    private final Map<String, Integer> byName = new ConcurrentHashMap<>();

    /** @param catalogue an open connection to the captured database, or null where no lookup is possible */
    PgTypeRegistry(Connection catalogue) {
        this.catalogue = catalogue;
    }

    /** pgoutput's Type message: a non-built-in type is about to be used. */
    void announce(int oid, String schema, String name) {
        // the message lacks kind and element type: resolve it now while the reader waits anyway
        lookup(oid);
    }

    PgType lookup(int oid) {
        PgType t = byOid.get(oid);
        if (t != null || catalogue == null) {
            return t;
        }
        try (PreparedStatement ps = catalogue.prepareStatement(
                "SELECT n.nspname, t.typname, t.typtype, t.typelem, t.typbasetype, t.typdelim, t.typcategory"
                                                            + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                                                            + " WHERE t.oid = ?")) {
            ps.setInt(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                boolean array = "A".equals(rs.getString(7));
                t = new PgType(oid, rs.getString(1), rs.getString(2), rs.getString(3).charAt(0),
                        array ? rs.getInt(4) : 0, rs.getInt(5), rs.getString(6).charAt(0));
                byOid.put(oid, t);
                return t;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not look up PostgreSQL type " + oid + ": " + e.getMessage(), e);
        }
    }

    /** The OID of a type as {@code format_type} writes it ({@code integer}, {@code character varying}, ...). */
    int oidOf(String typeName) {
        Integer oid = byName.get(typeName);
        if (oid != null || catalogue == null) {
            return oid == null ? 0 : oid;
        }
        try (PreparedStatement ps = catalogue.prepareStatement("SELECT ?::regtype::oid")) {
            ps.setString(1, typeName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                oid = rs.getInt(1);
            }
        } catch (SQLException e) {
            oid = 0; // unknown to the catalogue (a dropped type): kept as text
        }
        byName.put(typeName, oid);
        return oid;
    }
}
