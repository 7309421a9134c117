package io.cameldblog.mysql;

import com.github.shyiko.mysql.binlog.event.Event;

/**
 * {@code HEARTBEAT}: the server has sent everything it has and waits. Its header's next position is the end of
 * what was sent, in the current file: the reader is idle there, which a snapshot waiting for its watermark
 * needs to hear when nothing else is written.
 */
final class HeartbeatEventHandler implements EventTypeHandler {

    private final BinlogCursor cursor;

    HeartbeatEventHandler(BinlogCursor cursor) {
        this.cursor = cursor;
    }

    @Override
    public void handle(Event event, EventAddress at) throws Exception {
        // the heartbeat is about the file the last rotation named (the client does not decode its body)
        cursor.idleAt(null, at.nextPosition());
    }
}
