package io.cameldblog.mysql;

import com.github.shyiko.mysql.binlog.event.Event;

/**
 * {@code XID} (a commit of a transactional engine) and {@code XA_PREPARE} (the first phase of an XA transaction:
 * its rows are in the log from here on, and delivered now).
 */
final class TransactionEndHandler implements EventTypeHandler {

    private final BinlogCursor cursor;

    TransactionEndHandler(BinlogCursor cursor) {
        this.cursor = cursor;
    }

    @Override
    public void handle(Event event, EventAddress at) throws Exception {
        cursor.commit(at);
    }
}
