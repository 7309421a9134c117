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
 */
final class TableMaps {

    private final Map<Long, TableMapEventData> maps = new HashMap<>();
    private final Map<Long, TableSchema> schemas = new HashMap<>();
    private final TableSchemas source;

    TableMaps(TableSchemas source) {
        this.source = source;
    }

    void put(TableMapEventData map) {
        maps.put(map.getTableId(), map);
        // the same id may now describe another version of the table
        schemas.remove(map.getTableId());
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
