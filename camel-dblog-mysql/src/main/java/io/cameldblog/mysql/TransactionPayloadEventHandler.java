package io.cameldblog.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;

/**
 * {@code TRANSACTION_PAYLOAD} (MySQL 8.0.20+ with {@code binlog_transaction_compression=ON}): one compressed event
 * holding a transaction's {@code BEGIN}, table maps, rows and {@code XID}; its GTID event stays outside it.
 * <p>
 * The inner events are handled in order as if they were in the file, but addressed at the payload event: their
 * own offsets count in the uncompressed payload. A row inside is at "its transaction's GTID event (else the
 * payload event) + rows done", so a restart re-reads the payload and skips the rows already processed, and the
 * transaction's end continues after the payload.
 */
final class TransactionPayloadEventHandler implements EventTypeHandler {

    private final BinlogEventHandler events;

    TransactionPayloadEventHandler(BinlogEventHandler events) {
        this.events = events;
    }

    @Override
    public void handle(Event event, EventAddress at) throws Exception {
        TransactionPayloadEventData payload = event.getData();
        for (Event inner : payload.getUncompressedEvents()) {
            EventHeaderV4 header = inner.getHeader();
            events.handle(inner, at.insidePayload(header));
        }
    }
}
