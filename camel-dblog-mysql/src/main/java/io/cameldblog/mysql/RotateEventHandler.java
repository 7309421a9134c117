package io.cameldblog.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.RotateEventData;

/** {@code ROTATE}: the events that follow are in the next file; the table maps of the previous file are dropped. */
final class RotateEventHandler implements EventTypeHandler {

    private final BinlogCursor cursor;
    private final TableMaps tableMaps;

    RotateEventHandler(BinlogCursor cursor, TableMaps tableMaps) {
        this.cursor = cursor;
        this.tableMaps = tableMaps;
    }

    @Override
    public void handle(Event event, EventAddress at) {
        RotateEventData rotate = event.getData();
        cursor.rotate(rotate.getBinlogFilename());
        tableMaps.clear();
    }
}
