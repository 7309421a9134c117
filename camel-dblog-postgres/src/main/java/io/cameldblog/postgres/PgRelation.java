package io.cameldblog.postgres;

import java.util.List;

/**
 * A table as the decoding plugin described it: columns in tuple order, the replica identity, and the primary
 * key columns (the {@code CamelDbLogKey} header).
 *
 * @param replicaIdentity {@code d} default (primary key), {@code f} full, {@code i} index, {@code n} nothing
 */
record PgRelation(int id, String schema, String table, char replicaIdentity, List<Column> columns,
        List<String> keyColumns) {

    /** @param identity the column is part of the replica identity (what a key-only old tuple carries) */
    record Column(String name, int typeOid, int typeModifier, boolean identity) {
    }

    String qualifiedName() {
        return schema + "." + table;
    }
}
