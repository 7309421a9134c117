package io.cameldblog.mysql;

import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeader;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.FormatDescriptionEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ChecksumType;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializationException;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.UpdateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

/**
 * The binlog client's event deserializer with row deserializers that decode temporal values exactly.
 * <p>
 * The client drops the sign of a packed TIME(fsp) value ({@code '-838:59:59'} arrives as a positive, unrelated
 * duration), turns zero dates into year -290308, rolls invalid days over into the next month and computes dates
 * before 1582 in the Julian calendar. The row deserializers here read TIME, DATE, DATETIME and TIMESTAMP the way
 * the server packs them ({@link PackedTemporal}) and return microseconds, the form every temporal type takes
 * under {@code DATE_AND_TIME_AS_LONG_MICRO}, or {@code null} for a value that is no date. The row deserializers
 * need the table maps seen so far; the client keeps those in a private map, so this deserializer keeps its own
 * copy as table-map events go by, and drops it on each rotation so that it does not grow without bound.
 * <p>
 * Table maps are decoded by a {@link TableMapDecoder}, which decodes a table map repeated by every transaction only
 * once. It is plugged in by overriding the client's table-map step rather than registering a table-map
 * deserializer, which the client would run next to its own one (decoding each table map twice).
 */
final class BinlogEventDeserializer extends EventDeserializer {

    private final Map<Long, TableMapEventData> tableMaps;
    private final TableMapDecoder tableMapDecoder = new TableMapDecoder();
    /** Bytes of checksum after each event's body: from the client's handshake and each format description event. */
    private int checksumLength;

    BinlogEventDeserializer() {
        this(new HashMap<>());
    }

    /** Table maps kept for the row deserializers and the decoder. */
    int cachedTableMaps() {
        return tableMaps.size() + tableMapDecoder.size();
    }

    BinlogEventDeserializer(Map<Long, TableMapEventData> tableMaps) {
        this.tableMaps = tableMaps;
        setCompatibilityMode(CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY,
                CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO,
                CompatibilityMode.INVALID_DATE_AND_TIME_AS_MIN_VALUE);
        setEventDataDeserializer(EventType.WRITE_ROWS, new WriteRows(tableMaps));
        setEventDataDeserializer(EventType.EXT_WRITE_ROWS, new WriteRows(tableMaps).setMayContainExtraInformation(true));
        setEventDataDeserializer(EventType.UPDATE_ROWS, new UpdateRows(tableMaps));
        setEventDataDeserializer(EventType.EXT_UPDATE_ROWS,
                new UpdateRows(tableMaps).setMayContainExtraInformation(true));
        setEventDataDeserializer(EventType.DELETE_ROWS, new DeleteRows(tableMaps));
        setEventDataDeserializer(EventType.EXT_DELETE_ROWS,
                new DeleteRows(tableMaps).setMayContainExtraInformation(true));
        // the client has none: without one the event arrives empty and its rows would be lost unnoticed
        setEventDataDeserializer(EventType.PARTIAL_UPDATE_ROWS_EVENT, new PartialUpdateRowsEventData.Deserializer());
        // compressed transactions: their inner events decoded by this deserializer too, not the client's plain one
        setEventDataDeserializer(EventType.TRANSACTION_PAYLOAD, new CompressedTransactionDeserializer(BinlogEventDeserializer::new));
    }

    @Override
    public Event nextEvent(ByteArrayInputStream inputStream) throws IOException {
        Event event = super.nextEvent(inputStream);
        if (event == null) {
            return null;
        }
        EventType type = event.getHeader().getEventType();
        if (type == EventType.TABLE_MAP && event.getData() instanceof TableMapEventData tableMap) {
            tableMaps.put(tableMap.getTableId(), tableMap);
        } else if (type == EventType.ROTATE) {
            // each file's transactions carry the table maps they need: the previous file's are never used again
            tableMaps.clear();
            tableMapDecoder.clear();
        } else if (event.getData() instanceof FormatDescriptionEventData format) {
            checksumLength = format.getChecksumType().getLength();
        }
        return event;
    }

    @Override
    public void setChecksumType(ChecksumType checksumType) {
        super.setChecksumType(checksumType);
        checksumLength = checksumType.getLength();
    }

    /** The body read as the client reads any event's body (its checksum skipped), decoded by the table-map decoder. */
    @Override
    public EventData deserializeTableMapEventData(ByteArrayInputStream in, EventHeader header) throws IOException {
        int length = (int) header.getDataLength() - checksumLength;
        try {
            byte[] body;
            in.enterBlock(length);
            try {
                body = in.read(length);
            } finally {
                in.skipToTheEndOfTheBlock();
                in.skip(checksumLength);
            }
            return tableMapDecoder.decode(body);
        } catch (IOException e) {
            throw new EventDataDeserializationException(header, e);
        }
    }

    private static final class WriteRows extends WriteRowsEventDataDeserializer {
        WriteRows(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return PackedTemporal.timeV2(meta, in);
        }

        @Override
        protected Serializable deserializeDate(ByteArrayInputStream in) throws IOException {
            return PackedTemporal.date(in);
        }

        @Override
        protected Serializable deserializeDatetime(ByteArrayInputStream in) throws IOException {
            return PackedTemporal.dateTimeV1(in);
        }

        @Override
        protected Serializable deserializeDatetimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return PackedTemporal.dateTimeV2(meta, in);
        }

        @Override
        protected Serializable deserializeTimestamp(ByteArrayInputStream in) throws IOException {
            return PackedTemporal.timestampV1(in);
        }

        @Override
        protected Serializable deserializeTimestampV2(int meta, ByteArrayInputStream in) throws IOException {
            return PackedTemporal.timestampV2(meta, in);
        }
    }

    private static final class UpdateRows extends UpdateRowsEventDataDeserializer {
        UpdateRows(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return PackedTemporal.timeV2(meta, in);
        }

        @Override
        protected Serializable deserializeDate(ByteArrayInputStream in) throws IOException {
            return PackedTemporal.date(in);
        }

        @Override
        protected Serializable deserializeDatetime(ByteArrayInputStream in) throws IOException {
            return PackedTemporal.dateTimeV1(in);
        }

        @Override
        protected Serializable deserializeDatetimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return PackedTemporal.dateTimeV2(meta, in);
        }

        @Override
        protected Serializable deserializeTimestamp(ByteArrayInputStream in) throws IOException {
            return PackedTemporal.timestampV1(in);
        }

        @Override
        protected Serializable deserializeTimestampV2(int meta, ByteArrayInputStream in) throws IOException {
            return PackedTemporal.timestampV2(meta, in);
        }
    }

    private static final class DeleteRows extends DeleteRowsEventDataDeserializer {
        DeleteRows(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return PackedTemporal.timeV2(meta, in);
        }

        @Override
        protected Serializable deserializeDate(ByteArrayInputStream in) throws IOException {
            return PackedTemporal.date(in);
        }

        @Override
        protected Serializable deserializeDatetime(ByteArrayInputStream in) throws IOException {
            return PackedTemporal.dateTimeV1(in);
        }

        @Override
        protected Serializable deserializeDatetimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return PackedTemporal.dateTimeV2(meta, in);
        }

        @Override
        protected Serializable deserializeTimestamp(ByteArrayInputStream in) throws IOException {
            return PackedTemporal.timestampV1(in);
        }

        @Override
        protected Serializable deserializeTimestampV2(int meta, ByteArrayInputStream in) throws IOException {
            return PackedTemporal.timestampV2(meta, in);
        }
    }
}
