package io.cameldblog.mysql;

import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import io.cameldblog.core.json.ChangeEventJson;

/**
 * Turns the binlog client's raw column values into values that carry the column's meaning. The client runs in
 * its compatibility modes that lose nothing ({@code CHAR_AND_BINARY_AS_BYTE_ARRAY},
 * {@code DATE_AND_TIME_AS_LONG_MICRO}): bytes for text and binary, microseconds for temporal types, signed
 * integers; the column's {@link ColumnSpec} says what they mean.
 */
final class ColumnValueDecoder {

    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private ColumnValueDecoder() {
    }

    static Object decode(ColumnSpec column, Serializable raw) {
        if (raw == null || isInvalidDateMark(column, raw)) {
            return null;
        }
        return switch (column.type()) {
            case TINY -> column.unsigned() ? ((Number) raw).intValue() & 0xFF : ((Number) raw).intValue();
            case SHORT -> column.unsigned() ? ((Number) raw).intValue() & 0xFFFF : ((Number) raw).intValue();
            case INT24 -> column.unsigned() ? ((Number) raw).intValue() & 0xFFFFFF : ((Number) raw).intValue();
            case LONG -> column.unsigned()
                    ? (Object) Integer.toUnsignedLong(((Number) raw).intValue()) : (Object) ((Number) raw).intValue();
            case LONGLONG -> column.unsigned()
                    ? (Object) new BigInteger(Long.toUnsignedString(((Number) raw).longValue()))
                    : (Object) ((Number) raw).longValue();
            case FLOAT -> ((Number) raw).floatValue();
            case DOUBLE -> ((Number) raw).doubleValue();
            case DECIMAL, NEWDECIMAL -> raw instanceof BigDecimal ? raw : new BigDecimal(raw.toString());
            // the client reads YEAR as 1900 + the stored byte: 1900 is the year 0000 (YEAR spans 1901..2155)
            case YEAR -> ((Number) raw).intValue() == 1900 ? 0 : ((Number) raw).intValue();
            case DATE, NEWDATE -> date(raw);
            case TIME, TIME_V2 -> time(((Number) raw).longValue());
            case DATETIME, DATETIME_V2 -> dateTime(((Number) raw).longValue());
            case TIMESTAMP, TIMESTAMP_V2 -> instant(((Number) raw).longValue());
            case STRING, VARCHAR, VAR_STRING -> text(column, (byte[]) raw);
            case BLOB, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB -> blob(column, (byte[]) raw);
            case JSON -> binaryJson((byte[]) raw);
            case ENUM -> enumLabel(column, ((Number) raw).intValue());
            case SET -> setLabels(column, ((Number) raw).longValue());
            case BIT -> bits(column, (BitSet) raw);
            default -> raw;
        };
    }

    /**
     * {@link BinlogEventDeserializer} gives {@code null} for a zero or invalid date; where the client's own row
     * decoding runs (the events inside a compressed transaction) it gives {@code Long.MIN_VALUE}, which would read
     * as year -290308.
     */
    private static boolean isInvalidDateMark(ColumnSpec column, Serializable raw) {
        return switch (column.type()) {
            case DATE, NEWDATE, DATETIME, DATETIME_V2, TIMESTAMP, TIMESTAMP_V2 ->
                raw instanceof Long l && l == Long.MIN_VALUE;
            default -> false;
        };
    }

    private static Object date(Serializable raw) {
        if (raw instanceof Number n) {
            return LocalDate.ofEpochDay(Math.floorDiv(n.longValue(), MICROS_PER_DAY));
        }
        return raw;
    }

    /** MySQL's TIME spans -838:59:59 to 838:59:59: a LocalTime within a day, a Duration outside. */
    private static Object time(long micros) {
        if (micros >= 0 && micros < MICROS_PER_DAY) {
            return LocalTime.ofNanoOfDay(micros * 1000);
        }
        return Duration.ofNanos(micros * 1000);
    }

    /** DATETIME has no zone: the client computes its microseconds as if it were UTC. */
    private static LocalDateTime dateTime(long micros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    private static Object text(ColumnSpec column, byte[] bytes) {
        if (column.charset() != null) {
            return new String(bytes, column.charset());
        }
        // BINARY(n) is logged without its trailing zero bytes: give the value as stored
        int length = ColumnSpec.fixedLength(column.meta());
        if (column.type() == com.github.shyiko.mysql.binlog.event.deserialization.ColumnType.STRING
                && bytes.length < length) {
            return Arrays.copyOf(bytes, length);
        }
        return bytes;
    }

    private static Object blob(ColumnSpec column, byte[] bytes) {
        if (column.json()) {
            return ChangeEventJson.parse(new String(bytes, column.charset() != null ? column.charset()
                    : StandardCharsets.UTF_8));
        }
        return column.charset() != null ? new String(bytes, column.charset()) : bytes;
    }

    private static Object binaryJson(byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            return ChangeEventJson.parse(JsonBinary.parseAsString(bytes));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read a binary JSON value: " + e.getMessage(), e);
        }
    }

    private static String enumLabel(ColumnSpec column, int index) {
        if (index == 0) {
            return ""; // MySQL's value for an invalid ENUM entry
        }
        if (index > column.labels().size()) {
            throw new IllegalStateException("ENUM column " + column.name() + " has value #" + index + " but only "
                                            + column.labels().size() + " labels are known");
        }
        return column.labels().get(index - 1);
    }

    private static List<String> setLabels(ColumnSpec column, long bits) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < column.labels().size() && i < 64; i++) {
            if ((bits & (1L << i)) != 0) {
                labels.add(column.labels().get(i));
            }
        }
        return labels;
    }

    /** BIT(1) as a Boolean; wider BIT(n) as big-endian bytes, as the column stores them. */
    private static Object bits(ColumnSpec column, BitSet set) {
        int width = (column.meta() >> 8) * 8 + (column.meta() & 0xFF);
        if (width == 1) {
            return set.get(0);
        }
        byte[] out = new byte[(width + 7) / 8];
        for (int i = 0; i < width; i++) {
            if (set.get(i)) {
                out[out.length - 1 - i / 8] |= (byte) (1 << (i % 8));
            }
        }
        return out;
    }
}
