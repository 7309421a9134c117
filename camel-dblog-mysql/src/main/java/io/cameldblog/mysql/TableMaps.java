package io.cameldblog.mysql;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;

/**
 * The table maps seen in the current binlog file and the schemas resolved for them, by table id.
 * <p>
 * Every transaction writes the table maps its rows need, and table ids are not reused across a rotation in a way
 * a reader could rely on, so both are cleared on each {@code ROTATE}: a server with many tables, or one whose
 * tables are recreated often (each {@code TRUNCATE} or {@code ALTER} gives a new id), does not grow them without
 * bound.
 * <p>
 * A schema stays resolved while its table id keeps coming with the same table map ({@link TableMapDecoder} gives
 * back the same instance for the same event body): a stream of one-row transactions resolves it once, not once per
 * transaction. A new table map for the id, a DDL statement ({@link #invalidate}) or a rotation resolves it again.
 */
final class TableMaps {

    private final Map<Long, TableMapEventData> maps = new HashMap<>();
    private final Map<Long, TableSchema> schemas = new HashMap<>();
    private final TableSchemas source;

    TableMaps(TableSchemas source) {
        this.source = source;
    }

    void put(TableMapEventData map) {
        if (maps.put(map.getTableId(), map) != map) {
            // the same id may now describe another version of the table
            schemas.remove(map.getTableId());
        }
    }

    /**
     * A DDL statement changed one table, or every table of {@code db} when {@code table} is null, or any table: the
     * catalogue forgets it and every schema is resolved again (DDL is rare; names in statements and table maps
     * need not agree in case).
     */
    void invalidate(String db, String table) {
        schemas.clear();
        source.invalidate(db, table);
    }

    /** The table map of {@code tableId}, or null when none was seen since the last rotation. */
    TableMapEventData get(long tableId) {
        return maps.get(tableId);
    }

    TableSchema schema(TableMapEventData map) throws SQLException {
        TableSchema schema = schemas.get(map.getTableId());
        if (schema == null) {
            schema = source.resolve(map);
            schemas.put(map.getTableId(), schema);
        }
        return schema;
    }

    void clear() {
        maps.clear();
        schemas.clear();
    }

    int size() {
        return maps.size() + schemas.size();
    }
}
