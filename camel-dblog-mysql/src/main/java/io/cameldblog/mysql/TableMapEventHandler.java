package io.cameldblog.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;

/** {@code TABLE_MAP}: describes the table of the row events that follow under its table id. */
final class TableMapEventHandler implements EventTypeHandler {

    private final TableMaps tableMaps;

    TableMapEventHandler(TableMaps tableMaps) {
        this.tableMaps = tableMaps;
    }

    @Override
    public void handle(Event event, EventAddress at) {
        TableMapEventData map = event.getData();
        tableMaps.put(map);
    }
}
