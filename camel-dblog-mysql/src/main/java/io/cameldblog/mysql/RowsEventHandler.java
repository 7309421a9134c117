package io.cameldblog.mysql;

import java.io.Serializable;
import java.util.BitSet;
import java.util.Map;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import io.cameldblog.core.Operation;
import io.cameldblog.core.TableFilter;

/**
 * {@code WRITE_ROWS}, {@code UPDATE_ROWS}, {@code DELETE_ROWS} (v1 and v2): one event per row of a captured table.
 * Every row is counted, captured or not, so that a restart skips by the same numbers.
 */
final class RowsEventHandler implements EventTypeHandler {

    private final BinlogCursor cursor;
    private final TableMaps tableMaps;
    private final TableFilter filter;
    private final ChangeEventFactory events;

    RowsEventHandler(BinlogCursor cursor, TableMaps tableMaps, TableFilter filter, ChangeEventFactory events) {
        this.cursor = cursor;
        this.tableMaps = tableMaps;
        this.filter = filter;
        this.events = events;
    }

    @Override
    public void handle(Event event, EventAddress at) throws Exception {
        EventData data = event.getData();
        // the client's row lists are linked lists: iterate, never index
        if (data instanceof WriteRowsEventData d) {
            for (Serializable[] after : d.getRows()) {
                row(at, d.getTableId(), Operation.INSERT, null, null, after, d.getIncludedColumns());
            }
        } else if (data instanceof UpdateRowsEventData d) {
            for (Map.Entry<Serializable[], Serializable[]> r : d.getRows()) {
                row(at, d.getTableId(), Operation.UPDATE, r.getKey(), d.getIncludedColumnsBeforeUpdate(), r.getValue(),
                        d.getIncludedColumns());
            }
        } else if (data instanceof DeleteRowsEventData d) {
            for (Serializable[] before : d.getRows()) {
                row(at, d.getTableId(), Operation.DELETE, before, d.getIncludedColumns(), null, null);
            }
        }
    }

    private void row(EventAddress at, long tableId, Operation op, Serializable[] before, BitSet beforeColumns,
            Serializable[] after, BitSet afterColumns) throws Exception {
        if (!cursor.nextRow(at)) {
            return;
        }
        TableMapEventData map = tableMaps.get(tableId);
        if (map == null) {
            throw new IllegalStateException("Rows event for table id " + tableId + " without its table map in "
                                            + cursor.file() + ", transaction at " + cursor.unitStart());
        }
        if (!filter.matches(map.getDatabase(), map.getTable())) {
            return;
        }
        cursor.deliver(events.row(at, tableMaps.schema(map), op, before, beforeColumns, after, afterColumns));
    }
}
