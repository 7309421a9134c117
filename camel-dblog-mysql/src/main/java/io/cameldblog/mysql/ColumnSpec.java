package io.cameldblog.mysql;

import java.nio.charset.Charset;
import java.util.List;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;

/**
 * What decoding one column's binlog value needs: its name, the real type (ENUM and SET unpacked from the STRING
 * type the table map carries), signedness, charset ({@code null} for binary), ENUM/SET labels and whether a
 * text column holds JSON (MariaDB's JSON is LONGTEXT with a {@code json_valid} check).
 */
public record ColumnSpec(String name, ColumnType type, int meta, boolean unsigned, Charset charset,
        List<String> labels, boolean json) {

    /** Numeric types in the table map's signedness bitmap, in MySQL's order of {@code is_numeric_type}. */
    static boolean isNumeric(ColumnType t) {
        return switch (t) {
            case TINY, SHORT, INT24, LONG, LONGLONG, FLOAT, DOUBLE, DECIMAL, NEWDECIMAL -> true;
            default -> false;
        };
    }

    /** Types that carry a charset in the table map's charset lists (ENUM and SET have their own list). */
    static boolean isCharacter(ColumnType t) {
        return switch (t) {
            case STRING, VAR_STRING, VARCHAR, BLOB, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB -> true;
            default -> false;
        };
    }

    /** The byte length of a CHAR(n) / BINARY(n) column from its table-map metadata. */
    static int fixedLength(int meta) {
        if (meta < 256) {
            return meta;
        }
        // the length's two high bits ride in the type byte, inverted
        return (((meta >> 4) & 0x300) ^ 0x300) + (meta & 0xFF);
    }

    /**
     * The table map says STRING for CHAR, BINARY, ENUM and SET; the real type is in the first metadata byte.
     */
    static ColumnType realType(ColumnType declared, int meta) {
        if (declared == ColumnType.STRING && meta >= 256) {
            int b0 = meta >> 8;
            if ((b0 & 0x30) != 0x30) {
                return ColumnType.byCode(b0 | 0x30);
            }
            ColumnType real = ColumnType.byCode(b0);
            return real == null ? declared : real;
        }
        return declared;
    }
}
