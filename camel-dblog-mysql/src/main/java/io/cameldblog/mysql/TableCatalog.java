package io.cameldblog.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads tables from {@code information_schema} and caches them until a DDL statement in the binlog says they
 * changed.
 */
final class TableCatalog {

    private static final Pattern JSON_CHECK = Pattern.compile("json_valid\\(`?([^`)]+)`?\\)", Pattern.CASE_INSENSITIVE);

    private final ServerConnection server;
    private final Map<String, CatalogTable> cache = new ConcurrentHashMap<>();

    TableCatalog(ServerConnection server) {
        this.server = server;
    }

    CatalogTable table(String db, String table) throws SQLException {
        String key = db + "." + table;
        CatalogTable t = cache.get(key);
        if (t == null) {
            t = load(db, table);
            cache.put(key, t);
        }
        return t;
    }

    /** Forgets one table, or every table of {@code db} when {@code table} is null, or everything. */
    void invalidate(String db, String table) {
        if (db == null) {
            cache.clear();
        } else if (table == null) {
            cache.keySet().removeIf(k -> k.startsWith(db + "."));
        } else {
            cache.remove(db + "." + table);
        }
    }

    private CatalogTable load(String db, String table) throws SQLException {
        Connection c = server.jdbc();
        List<CatalogTable.CatalogColumn> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME, CHARACTER_OCTET_LENGTH,"
                                                       + " NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION"
                                                       + " FROM information_schema.COLUMNS"
                                                       + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, db);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new CatalogTable.CatalogColumn(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getObject(5) == null ? null : rs.getLong(5), integer(rs, 6),
                            integer(rs, 7), integer(rs, 8)));
                }
            }
        }
        List<String> pk = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                                                       + " AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, db);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pk.add(rs.getString(1));
                }
            }
        }
        Set<String> json = new LinkedHashSet<>();
        for (CatalogTable.CatalogColumn col : columns) {
            if ("json".equalsIgnoreCase(col.dataType())) {
                json.add(col.name());
            }
        }
        if (server.isMariaDb()) {
            // MariaDB's JSON is LONGTEXT with a json_valid() check constraint named after the column
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?"
                                                           + " AND TABLE_NAME = ?")) {
                ps.setString(1, db);
                ps.setString(2, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Matcher m = JSON_CHECK.matcher(rs.getString(1));
                        if (m.matches()) {
                            json.add(m.group(1));
                        }
                    }
                }
            }
        }
        return new CatalogTable(List.copyOf(columns), List.copyOf(pk), Set.copyOf(json));
    }

    private static Integer integer(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : (int) value;
    }
}
