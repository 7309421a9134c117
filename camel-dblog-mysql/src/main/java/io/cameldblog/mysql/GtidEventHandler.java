package io.cameldblog.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.GtidTaggedEventData;

/**
 * MySQL's {@code GTID}, {@code ANONYMOUS_GTID} and {@code GTID_TAGGED} (8.4+, {@code uuid:tag:n}) events: a unit
 * starts here. Whether it is a transaction ({@code BEGIN} follows) or a statement on its own (DDL) the next event
 * says. The client gives each its own class (a tagged GTID is not a {@link GtidEventData}), and none for an
 * anonymous one.
 */
final class GtidEventHandler implements EventTypeHandler {

    private final BinlogCursor cursor;

    GtidEventHandler(BinlogCursor cursor) {
        this.cursor = cursor;
    }

    @Override
    public void handle(Event event, EventAddress at) throws Exception {
        cursor.startUnit(at, gtid(event.getData()), false);
    }

    static String gtid(EventData data) {
        if (data instanceof GtidEventData g) {
            return g.getGtid();
        }
        if (data instanceof GtidTaggedEventData t) {
            return t.getGtid();
        }
        return null;
    }
}
