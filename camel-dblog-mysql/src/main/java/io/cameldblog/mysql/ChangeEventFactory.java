package io.cameldblog.mysql;

import java.io.Serializable;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.SourceInfo;

/** Builds the {@link ChangeEvent} of the cursor's current row: images, key, source fields and position. */
final class ChangeEventFactory {

    private final String name;
    private final BinlogCursor cursor;

    ChangeEventFactory(String name, BinlogCursor cursor) {
        this.name = name;
        this.cursor = cursor;
    }

    ChangeEvent row(EventAddress at, TableSchema schema, Operation op, Serializable[] before, BitSet beforeColumns,
            Serializable[] after, BitSet afterColumns) {
        Map<String, Object> beforeImage = before == null ? null : image(schema, before, beforeColumns);
        Map<String, Object> afterImage = after == null ? null : image(schema, after, afterColumns);
        return event(at, op, schema.db(), schema.table(), beforeImage, afterImage,
                key(schema, afterImage != null ? afterImage : beforeImage));
    }

    /** A {@code TRUNCATE} of {@code db.table}: no images, no key. */
    ChangeEvent truncate(EventAddress at, String db, String table) {
        return event(at, Operation.TRUNCATE, db, table, null, null, Map.of());
    }

    private ChangeEvent event(EventAddress at, Operation op, String db, String table, Map<String, Object> before,
            Map<String, Object> after, Map<String, Object> key) {
        BinlogPosition position = cursor.rowPosition();
        // MariaDB 11 logs offset 0 for the events inside a transaction, and the events of a compressed
        // transaction have offsets in its payload: a row is addressed by its unit's start and its number in it
        SourceInfo source = SourceInfo.builder().connector("mysql").name(name).db(db).table(table)
                .tsMs(at.timestamp()).position(position.text())
                .extra("file", position.file()).extra("pos", position.offset()).extra("row", cursor.rowIndex())
                .extra("server_id", at.serverId()).extra("gtid", cursor.gtid()).build();
        // the images and key are this row's own maps, built above for it alone
        return ChangeEvent.builder().ownMaps().op(op).before(before).after(after).source(source).key(key)
                .position(position).build();
    }

    private static Map<String, Object> image(TableSchema schema, Serializable[] values, BitSet included) {
        Map<String, Object> row = new LinkedHashMap<>();
        List<ColumnSpec> columns = schema.columns();
        int v = 0;
        for (int c = 0; c < columns.size(); c++) {
            if (included != null && !included.get(c)) {
                continue;
            }
            ColumnSpec column = columns.get(c);
            row.put(column.name(), v < values.length ? ColumnValueDecoder.decode(column, values[v]) : null);
            v++;
        }
        return row;
    }

    private static Map<String, Object> key(TableSchema schema, Map<String, Object> image) {
        if (schema.keyColumns().isEmpty() || image == null) {
            return Map.of();
        }
        Map<String, Object> key = new LinkedHashMap<>();
        for (int i : schema.keyColumns()) {
            String col = schema.columns().get(i).name();
            key.put(col, image.get(col));
        }
        return key;
    }
}
