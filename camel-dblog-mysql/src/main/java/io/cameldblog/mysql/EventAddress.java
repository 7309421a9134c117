package io.cameldblog.mysql;

import com.github.shyiko.mysql.binlog.event.EventHeaderV4;

/**
 * Where an event sits in the binlog file, in the terms a stored position needs: its own offset, the offset of the
 * event after it, its timestamp and the server that wrote it.
 * <p>
 * For the events inside a compressed transaction ({@code TRANSACTION_PAYLOAD}) this is the payload event's place:
 * the inner events' own offsets count in the uncompressed payload, not in the file, and a reader can only
 * reconnect at a file offset. MariaDB 11 writes offset 0 into the events inside a transaction, so only the
 * offsets of events that open or end one are used.
 */
record EventAddress(long position, long nextPosition, long timestamp, long serverId) {

    static EventAddress of(EventHeaderV4 header) {
        return new EventAddress(header.getPosition(), header.getNextPosition(), header.getTimestamp(),
                header.getServerId());
    }

    /** An event inside the payload at {@code payload}: the payload's offsets, the inner event's own time and server. */
    EventAddress insidePayload(EventHeaderV4 inner) {
        return new EventAddress(position, nextPosition, inner.getTimestamp(), inner.getServerId());
    }

    /** Whether {@link #nextPosition()} names a place in the file a reader can continue from. */
    boolean hasNextPosition() {
        return nextPosition >= 4;
    }
}
