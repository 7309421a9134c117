package io.cameldblog.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;

/**
 * MariaDB's {@code GTID} event: it replaces {@code BEGIN}. Without the standalone flag a transaction follows, ended
 * by {@code XID}, a {@code COMMIT}/{@code ROLLBACK} query or {@code XA PREPARE}; with it, one statement (DDL,
 * {@code TRUNCATE}) that is the unit on its own.
 */
final class MariadbGtidEventHandler implements EventTypeHandler {

    private final BinlogCursor cursor;

    MariadbGtidEventHandler(BinlogCursor cursor) {
        this.cursor = cursor;
    }

    @Override
    public void handle(Event event, EventAddress at) throws Exception {
        MariadbGtidEventData gtid = event.getData();
        boolean standalone = (gtid.getFlags() & MariadbGtidEventData.FL_STANDALONE) != 0;
        // in file/offset mode MariaDB writes server id 0 into the event body: the header has the real one
        cursor.startUnit(at, gtid.getDomainId() + "-" + at.serverId() + "-" + gtid.getSequence(), !standalone);
    }
}
