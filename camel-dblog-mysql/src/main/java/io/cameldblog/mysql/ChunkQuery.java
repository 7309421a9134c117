package io.cameldblog.mysql;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.cameldblog.core.snapshot.SnapshotTable;

/**
 * The query that reads one snapshot chunk of a table: every column (in the form {@link SnapshotColumn} reads), the
 * rows after the last key in primary-key order, at most a limit of them.
 * <p>
 * The key condition is spelled out as {@code k1 > ? OR (k1 = ? AND k2 > ?) ...} rather than the row comparison
 * {@code (k1, k2) > (?, ?)}: MariaDB and MySQL turn the former into a range on the primary key, but scan the index
 * from its start for the latter, which would make every chunk read all the rows before it. Values compare in the
 * key columns' own collation, the same order {@code ORDER BY} gives.
 */
record ChunkQuery(String db, String table, List<SnapshotColumn> columns, List<Integer> keyIndexes, String sql) {

    static ChunkQuery of(String db, String table, CatalogTable catalog, SnapshotTable snapshot, boolean afterKey) {
        List<SnapshotColumn> columns = new ArrayList<>();
        for (CatalogTable.CatalogColumn c : catalog.columns()) {
            columns.add(new SnapshotColumn(c, catalog.jsonColumns().contains(c.name())));
        }
        List<Integer> keyIndexes = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (String k : snapshot.keyColumns()) {
            int i = indexOf(columns, k);
            if (i < 0) {
                throw new IllegalStateException("Primary-key column " + k + " of " + db + "." + table
                                                + " is not among its columns");
            }
            keyIndexes.add(i);
            keys.add(SnapshotColumn.quote(columns.get(i).name()));
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(columns.get(i).selectExpression());
        }
        sql.append(" FROM ").append(SnapshotColumn.quote(db)).append('.').append(SnapshotColumn.quote(table));
        List<String> conditions = new ArrayList<>();
        if (afterKey) {
            conditions.add(after(keys));
        }
        if (snapshot.where() != null) {
            conditions.add("(" + snapshot.where() + ")");
        }
        if (!conditions.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", conditions));
        }
        sql.append(" ORDER BY ").append(String.join(", ", keys)).append(" LIMIT ?");
        return new ChunkQuery(db, table, List.copyOf(columns), List.copyOf(keyIndexes), sql.toString());
    }

    /** {@code (k1 > ? OR (k1 = ? AND k2 > ?) OR ...)}. */
    private static String after(List<String> keys) {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            StringBuilder term = new StringBuilder();
            for (int j = 0; j < i; j++) {
                term.append(keys.get(j)).append(" = ? AND ");
            }
            term.append(keys.get(i)).append(" > ?");
            terms.add(i == 0 ? term.toString() : "(" + term + ")");
        }
        return "(" + String.join(" OR ", terms) + ")";
    }

    /**
     * Binds the last key's values to the key condition.
     *
     * @return the index of the next parameter (the limit)
     */
    int bindAfterKey(PreparedStatement ps, List<Object> afterKey) throws SQLException {
        int p = 1;
        if (afterKey == null) {
            return p;
        }
        if (afterKey.size() != keyIndexes.size()) {
            throw new IllegalStateException("The snapshot's stored key " + afterKey + " of " + db + "." + table
                                            + " has " + afterKey.size() + " values; the primary key has "
                                            + keyIndexes.size() + " columns now");
        }
        for (int i = 0; i < keyIndexes.size(); i++) {
            for (int j = 0; j <= i; j++) {
                columns.get(keyIndexes.get(j)).bind(ps, p++, afterKey.get(j));
            }
        }
        return p;
    }

    private static int indexOf(List<SnapshotColumn> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }
}
