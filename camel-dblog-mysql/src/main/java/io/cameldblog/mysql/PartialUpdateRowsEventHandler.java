package io.cameldblog.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.TableFilter;

/**
 * {@code PARTIAL_UPDATE_ROWS}: updates logged as JSON diffs ({@code binlog_row_value_options=PARTIAL_JSON}). Their
 * after images are not whole rows, so they cannot be delivered as row changes; for a captured table (or one whose
 * table map is unknown) the stream stops with the setting to change rather than dropping the updates.
 */
final class PartialUpdateRowsEventHandler implements EventTypeHandler {

    private final BinlogCursor cursor;
    private final TableMaps tableMaps;
    private final TableFilter filter;

    PartialUpdateRowsEventHandler(BinlogCursor cursor, TableMaps tableMaps, TableFilter filter) {
        this.cursor = cursor;
        this.tableMaps = tableMaps;
        this.filter = filter;
    }

    @Override
    public void handle(Event event, EventAddress at) {
        Long tableId = event.getData() instanceof PartialUpdateRowsEventData d ? d.tableId() : null;
        TableMapEventData map = tableId == null ? null : tableMaps.get(tableId);
        String table = map == null ? "table id " + tableId : map.getDatabase() + "." + map.getTable();
        if (map != null && !filter.matches(map.getDatabase(), map.getTable())) {
            return;
        }
        throw new DbLogConfigurationException(
                "The binlog has a PARTIAL_UPDATE_ROWS event for " + table + " in " + cursor.file()
                                              + " (transaction at " + cursor.unitStart() + "): the server logs JSON"
                                              + " updates as partial diffs (binlog_row_value_options=PARTIAL_JSON),"
                                              + " which carry no whole after image.",
                "SET GLOBAL binlog_row_value_options='' (and SET PERSIST; sessions that set it themselves must stop),"
                                                                                 + " then restart from a position after the last such event and re-sync the"
                                                                                 + " rows those updates changed.");
    }
}
