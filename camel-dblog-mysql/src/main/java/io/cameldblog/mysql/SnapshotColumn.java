package io.cameldblog.mysql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import io.cameldblog.core.json.ChangeEventJson;

/**
 * One column as a snapshot reads it: the expression selected for it and the value it becomes, which is the value
 * and Java type the binlog path ({@link ColumnValueDecoder}) gives the same column, so that a row read by a
 * snapshot equals the same row read from the log.
 * <p>
 * The text protocol loses nothing once the select list asks for the right form: FLOAT is selected as a DOUBLE
 * ({@code + 0e0}: the server prints a FLOAT with six digits, a DOUBLE in its shortest exact form), temporal types
 * as text ({@code CAST(.. AS CHAR)}, on a session in UTC so that TIMESTAMP is not shifted) that is parsed by the
 * same rules as the binlog's packed values: zero, partly zero and invalid dates become null. Text arrives in the
 * connection's utf8mb4, binary types as bytes.
 */
final class SnapshotColumn {

    private final CatalogTable.CatalogColumn column;
    private final String type;
    private final boolean json;

    SnapshotColumn(CatalogTable.CatalogColumn column, boolean json) {
        this.column = column;
        this.type = column.dataType().toLowerCase(Locale.ROOT);
        this.json = json;
    }

    String name() {
        return column.name();
    }

    /** What the chunk query selects for this column. */
    String selectExpression() {
        String id = quote(column.name());
        return switch (type) {
            case "float" -> "(" + id + " + 0e0)";
            case "date", "datetime", "timestamp", "time" -> "CAST(" + id + " AS CHAR)";
            default -> id;
        };
    }

    /** The column's value in the current row, as the binlog path gives it. */
    Object read(ResultSet rs, int index) throws SQLException {
        if (isBinary()) {
            byte[] bytes = rs.getBytes(index);
            return bytes == null ? null : bytes(bytes);
        }
        String text = rs.getString(index);
        if (text == null) {
            return null;
        }
        return switch (type) {
            case "tinyint", "smallint", "mediumint" -> Integer.valueOf(text);
            case "int", "integer" -> column.unsigned() ? (Object) Long.valueOf(text) : (Object) Integer.valueOf(text);
            case "bigint" -> column.unsigned() ? (Object) new BigInteger(text) : (Object) Long.valueOf(text);
            case "decimal", "numeric" -> new BigDecimal(text);
            case "float" -> (float) Double.parseDouble(text);
            case "double", "real", "double precision" -> Double.valueOf(text);
            case "year" -> Integer.valueOf(text);
            case "date" -> decode(ColumnType.DATE, dateTimeMicros(text));
            case "datetime" -> decode(ColumnType.DATETIME_V2, dateTimeMicros(text));
            case "timestamp" -> decode(ColumnType.TIMESTAMP_V2, timestampMicros(text));
            case "time" -> decode(ColumnType.TIME_V2, timeMicros(text));
            case "enum" -> text;
            // an ArrayList, as the binlog path builds it
            case "set" -> text.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(text.split(",")));
            case "json" -> ChangeEventJson.parse(text);
            default -> json ? ChangeEventJson.parse(text) : text;
        };
    }

    /**
     * The key value stored with the snapshot's progress, JSON-friendly: numbers, strings and booleans as they are,
     * bytes in base64, temporal values in the server's text form (what {@link #bind} hands back).
     */
    Object keyValue(Object value, ResultSet rs, int index) throws SQLException {
        if (value instanceof byte[] b) {
            return Base64.getEncoder().encodeToString(b);
        }
        if (value instanceof Number || value instanceof String || value instanceof Boolean) {
            return value;
        }
        return rs.getString(index);
    }

    /** Binds a key value {@link #keyValue} gave (possibly after a JSON round trip) for a comparison with this column. */
    void bind(PreparedStatement ps, int index, Object keyValue) throws SQLException {
        switch (type) {
            // BIT, ENUM and SET order by their number: compared with a string they would compare as text
            case "bit" -> {
                ps.setBigDecimal(index, keyValue instanceof Boolean b ? (b ? BigDecimal.ONE : BigDecimal.ZERO)
                        : new BigDecimal(new BigInteger(1, Base64.getDecoder().decode(keyValue.toString()))));
                return;
            }
            case "enum" -> {
                ps.setInt(index, column.labels().indexOf(keyValue.toString()) + 1);
                return;
            }
            case "set" -> {
                long mask = 0;
                List<String> labels = column.labels();
                for (String label : keyValue.toString().split(",")) {
                    int i = labels.indexOf(label);
                    if (i >= 0) {
                        mask |= 1L << i;
                    }
                }
                ps.setBigDecimal(index, new BigDecimal(Long.toUnsignedString(mask)));
                return;
            }
            default -> {
            }
        }
        if (isBinary()) {
            ps.setBytes(index, Base64.getDecoder().decode(keyValue.toString()));
            return;
        }
        switch (type) {
            // exact: a number compared with a string would be compared as a DOUBLE
            case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "year" ->
                ps.setBigDecimal(index, new BigDecimal(keyValue.toString()));
            case "float", "double", "real", "double precision" ->
                ps.setDouble(index, keyValue instanceof Number n ? n.doubleValue() : Double.parseDouble(keyValue.toString()));
            default -> ps.setString(index, keyValue.toString());
        }
    }

    /** BIT, BINARY, VARBINARY, BLOB and the types without a charset (geometry): bytes. */
    private boolean isBinary() {
        if ("bit".equals(type)) {
            return true;
        }
        return column.charsetName() == null && !isNumericOrTemporal() && !"json".equals(type);
    }

    private boolean isNumericOrTemporal() {
        return switch (type) {
            case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float",
                    "double", "real", "double precision", "year", "date", "datetime", "timestamp", "time" -> true;
            default -> false;
        };
    }

    private Object bytes(byte[] bytes) {
        if (!"bit".equals(type)) {
            return bytes;
        }
        // BIT(1) a Boolean, wider BIT(n) big-endian bytes of the column's width, as ColumnValueDecoder gives them
        int width = column.numericPrecision() == null ? bytes.length * 8 : column.numericPrecision();
        if (width == 1) {
            return bytes.length > 0 && (bytes[bytes.length - 1] & 1) != 0;
        }
        int length = (width + 7) / 8;
        if (bytes.length == length) {
            return bytes;
        }
        byte[] out = new byte[length];
        int copy = Math.min(length, bytes.length);
        System.arraycopy(bytes, bytes.length - copy, out, length - copy, copy);
        return out;
    }

    private Object decode(ColumnType binlogType, Long micros) {
        if (micros == null) {
            return null;
        }
        return ColumnValueDecoder.decode(new ColumnSpec(column.name(), binlogType, 0, false, null, List.of(), false),
                micros);
    }

    /** {@code YYYY-MM-DD[ hh:mm:ss[.ffffff]]} as stored: microseconds since 1970, null when it is no date. */
    static Long dateTimeMicros(String text) {
        try {
            int year = Integer.parseInt(text.substring(0, 4));
            int month = Integer.parseInt(text.substring(5, 7));
            int day = Integer.parseInt(text.substring(8, 10));
            int hour = 0;
            int minute = 0;
            int second = 0;
            long fraction = 0;
            if (text.length() >= 19) {
                hour = Integer.parseInt(text.substring(11, 13));
                minute = Integer.parseInt(text.substring(14, 16));
                second = Integer.parseInt(text.substring(17, 19));
                if (text.length() > 20) {
                    fraction = fractionMicros(text.substring(20));
                }
            }
            return PackedTemporal.micros(year, month, day, hour, minute, second, fraction);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot read the date '" + text + "'", e);
        }
    }

    /** A TIMESTAMP in UTC text: second 0 is the zero TIMESTAMP, which the binlog path gives as null too. */
    static Long timestampMicros(String text) {
        Long micros = dateTimeMicros(text);
        return micros == null || micros == 0 ? null : micros;
    }

    /** {@code [-]h..h:mm:ss[.ffffff]}: signed microseconds. */
    static long timeMicros(String text) {
        boolean negative = text.startsWith("-");
        String t = negative ? text.substring(1) : text;
        String[] parts = t.split(":");
        long hours = Long.parseLong(parts[0]);
        long minutes = Long.parseLong(parts[1]);
        String sec = parts[2];
        int dot = sec.indexOf('.');
        long seconds = Long.parseLong(dot < 0 ? sec : sec.substring(0, dot));
        long fraction = dot < 0 ? 0 : fractionMicros(sec.substring(dot + 1));
        long micros = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000L + fraction;
        return negative ? -micros : micros;
    }

    private static long fractionMicros(String digits) {
        String six = (digits + "000000").substring(0, 6);
        return Long.parseLong(six);
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public String toString() {
        return column.name() + " " + column.columnType();
    }
}
