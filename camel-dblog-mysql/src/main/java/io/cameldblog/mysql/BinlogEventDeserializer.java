package io.cameldblog.mysql;

import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.UpdateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

/**
 * The binlog client's event deserializer with row deserializers that decode TIME values exactly.
 * <p>
 * The client drops the sign of a packed TIME(fsp) value, so {@code '-838:59:59'} arrives as a positive, unrelated
 * duration. The row deserializers here decode TIME the way the server packs it ({@code my_time_packed_from_binary}
 * in MySQL's {@code my_time.cc}) and return signed microseconds, the form every other temporal type takes under
 * {@code DATE_AND_TIME_AS_LONG_MICRO}. The row deserializers need the table maps seen so far; the client keeps
 * those in a private map, so this deserializer keeps its own copy as table-map events go by, and drops it on each
 * rotation so that it does not grow without bound.
 */
final class BinlogEventDeserializer extends EventDeserializer {

    private static final long TIME_INT_OFFSET = 0x800000L;
    private static final long TIME_OFFSET = 0x800000000000L;

    private final Map<Long, TableMapEventData> tableMaps;

    BinlogEventDeserializer() {
        this(new HashMap<>());
    }

    /** Table maps kept for the row deserializers. */
    int cachedTableMaps() {
        return tableMaps.size();
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
        }
        return event;
    }

    /** Signed microseconds of a TIME(fsp) value in the binlog's packed form. */
    static long signedTimeMicros(int fsp, ByteArrayInputStream in) throws IOException {
        long packed;
        switch (fsp) {
            case 1, 2 -> {
                long intPart = bigEndian(in.read(3)) - TIME_INT_OFFSET;
                long frac = in.read() & 0xFF;
                if (intPart < 0 && frac != 0) {
                    intPart++;
                    frac -= 0x100;
                }
                packed = (intPart << 24) + frac * 10_000;
            }
            case 3, 4 -> {
                long intPart = bigEndian(in.read(3)) - TIME_INT_OFFSET;
                long frac = bigEndian(in.read(2));
                if (intPart < 0 && frac != 0) {
                    intPart++;
                    frac -= 0x10000;
                }
                packed = (intPart << 24) + frac * 100;
            }
            case 5, 6 -> packed = bigEndian(in.read(6)) - TIME_OFFSET;
            default -> packed = (bigEndian(in.read(3)) - TIME_INT_OFFSET) << 24;
        }
        boolean negative = packed < 0;
        long magnitude = Math.abs(packed);
        long hms = magnitude >> 24;
        long hours = (hms >> 12) & 0x3FF;
        long minutes = (hms >> 6) & 0x3F;
        long seconds = hms & 0x3F;
        long micros = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000L + (magnitude & 0xFFFFFF);
        return negative ? -micros : micros;
    }

    /** The stream's number readers are little-endian; the packed temporal formats are big-endian. */
    private static long bigEndian(byte[] bytes) {
        long result = 0;
        for (byte b : bytes) {
            result = (result << 8) | (b & 0xFF);
        }
        return result;
    }

    private static final class WriteRows extends WriteRowsEventDataDeserializer {
        WriteRows(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return signedTimeMicros(meta, in);
        }
    }

    private static final class UpdateRows extends UpdateRowsEventDataDeserializer {
        UpdateRows(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return signedTimeMicros(meta, in);
        }
    }

    private static final class DeleteRows extends DeleteRowsEventDataDeserializer {
        DeleteRows(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return signedTimeMicros(meta, in);
        }
    }
}
