package io.cameldblog.mysql;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.function.Supplier;

import com.github.luben.zstd.ZstdInputStream;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

/**
 * {@code TRANSACTION_PAYLOAD} (MySQL 8.0.20+, {@code binlog_transaction_compression=ON}) decoded with this
 * reader's own event deserializer for the inner events. The client's deserializer decodes them with a plain
 * {@link EventDeserializer}: the signed TIME decoding and the {@code PARTIAL_UPDATE_ROWS} decoding of
 * {@link BinlogEventDeserializer} would not apply inside compressed transactions.
 * <p>
 * Layout (MySQL's {@code Transaction_payload_event}): fields as (type, length, value) packed integers until
 * type 0, then the payload: the transaction's events, zstd-compressed (compression type 0) or not (255).
 */
final class CompressedTransactionDeserializer implements EventDataDeserializer<TransactionPayloadEventData> {

    private static final int END_MARK = 0;
    private static final int PAYLOAD_SIZE = 1;
    private static final int COMPRESSION_TYPE = 2;
    private static final int UNCOMPRESSED_SIZE = 3;
    private static final int UNCOMPRESSED = 255;

    private final Supplier<EventDeserializer> innerEvents;

    CompressedTransactionDeserializer(Supplier<EventDeserializer> innerEvents) {
        this.innerEvents = innerEvents;
    }

    @Override
    public TransactionPayloadEventData deserialize(ByteArrayInputStream in) throws IOException {
        TransactionPayloadEventData data = new TransactionPayloadEventData();
        while (in.available() > 0) {
            int field = in.readPackedInteger();
            if (field == END_MARK) {
                break;
            }
            int length = in.readPackedInteger();
            switch (field) {
                case PAYLOAD_SIZE -> data.setPayloadSize(in.readPackedInteger());
                case COMPRESSION_TYPE -> data.setCompressionType(in.readPackedInteger());
                case UNCOMPRESSED_SIZE -> data.setUncompressedSize(in.readPackedLong());
                default -> in.read(length);
            }
        }
        data.setPayload(in.read(data.getPayloadSize()));
        data.setUncompressedEvents(events(data));
        return data;
    }

    private ArrayList<Event> events(TransactionPayloadEventData data) throws IOException {
        ArrayList<Event> events = new ArrayList<>();
        // a fresh deserializer per payload: the table maps a compressed transaction needs are inside it
        EventDeserializer deserializer = innerEvents.get();
        InputStream raw = new java.io.ByteArrayInputStream(data.getPayload());
        try (InputStream payload = data.getCompressionType() == UNCOMPRESSED ? raw : new ZstdInputStream(raw)) {
            ByteArrayInputStream stream = new ByteArrayInputStream(payload);
            for (Event e = deserializer.nextEvent(stream); e != null; e = deserializer.nextEvent(stream)) {
                events.add(e);
            }
        }
        return events;
    }
}
