package io.cameldblog.mysql;

import java.util.Locale;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;

/**
 * Whether a column of a table map can be the catalogue's column at the same position: same type, and the same
 * size where the table map logs one (string byte lengths, DECIMAL precision and scale, BIT width, fractional
 * seconds, TEXT/BLOB size class, ENUM/SET storage size) and the same signedness where it logs that.
 * <p>
 * Without {@code binlog_row_metadata=FULL} this is all that shows which table definition a row event was
 * written under: a column renamed or two columns of identical type swapped cannot be told apart, and ENUM/SET
 * labels are known only by their number's storage size (up to 255 ENUM labels take one byte).
 */
final class ColumnTypeMatch {

    private ColumnTypeMatch() {
    }

    /** False when the table map's column cannot hold the catalogue column's values as they are now declared. */
    static boolean matches(TableMapColumn logged, CatalogTable.CatalogColumn now) {
        ColumnType t = logged.type();
        return switch (now.dataType().toLowerCase(Locale.ROOT)) {
            case "tinyint" -> t == ColumnType.TINY && sameSign(logged, now);
            case "smallint" -> t == ColumnType.SHORT && sameSign(logged, now);
            case "mediumint" -> t == ColumnType.INT24 && sameSign(logged, now);
            case "int", "integer" -> t == ColumnType.LONG && sameSign(logged, now);
            case "bigint" -> t == ColumnType.LONGLONG && sameSign(logged, now);
            case "float" -> t == ColumnType.FLOAT;
            case "double", "real", "double precision" -> t == ColumnType.DOUBLE;
            case "decimal", "numeric" -> t == ColumnType.NEWDECIMAL && sameSign(logged, now)
                    && equal(decimalPrecision(logged), now.numericPrecision())
                    && equal(decimalScale(logged), now.numericScale());
            case "bit" -> t == ColumnType.BIT && equal(bitWidth(logged), now.numericPrecision());
            case "year" -> t == ColumnType.YEAR;
            case "date" -> t == ColumnType.DATE || t == ColumnType.NEWDATE;
            case "time" -> t == ColumnType.TIME_V2 ? equal(logged.meta(), fsp(now))
                    : t == ColumnType.TIME && fsp(now) == 0;
            case "datetime" -> t == ColumnType.DATETIME_V2 ? equal(logged.meta(), fsp(now))
                    : t == ColumnType.DATETIME && fsp(now) == 0;
            case "timestamp" -> t == ColumnType.TIMESTAMP_V2 ? equal(logged.meta(), fsp(now))
                    : t == ColumnType.TIMESTAMP && fsp(now) == 0;
            case "char", "binary" -> t == ColumnType.STRING
                    && equal(ColumnSpec.fixedLength(logged.meta()), now.octetLength());
            case "varchar", "varbinary" -> (t == ColumnType.VARCHAR || t == ColumnType.VAR_STRING)
                    && equal(logged.meta(), now.octetLength());
            case "tinytext", "tinyblob" -> isBlob(t) && logged.meta() == 1;
            case "text", "blob" -> isBlob(t) && logged.meta() == 2;
            case "mediumtext", "mediumblob" -> isBlob(t) && logged.meta() == 3;
            case "longtext", "longblob" -> isBlob(t) && logged.meta() == 4;
            // MySQL's JSON is its own binary type; MariaDB's is LONGTEXT
            case "json" -> t == ColumnType.JSON || isBlob(t) && logged.meta() == 4;
            case "enum" -> t == ColumnType.ENUM && storageBytes(logged) == (now.labels().size() > 255 ? 2 : 1);
            case "set" -> t == ColumnType.SET && storageBytes(logged) == setStorageBytes(now.labels().size());
            case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                    "geometrycollection", "geomcollection" ->
                t == ColumnType.GEOMETRY;
            // a type this check does not know (MariaDB's INET6, UUID, ...): only the column count is compared
            default -> true;
        };
    }

    /** The table map's column in SQL words, for an error message. */
    static String describe(TableMapColumn logged) {
        int meta = logged.meta();
        String sign = Boolean.TRUE.equals(logged.unsigned()) ? " UNSIGNED" : "";
        return switch (logged.type()) {
            case TINY -> "TINYINT" + sign;
            case SHORT -> "SMALLINT" + sign;
            case INT24 -> "MEDIUMINT" + sign;
            case LONG -> "INT" + sign;
            case LONGLONG -> "BIGINT" + sign;
            case NEWDECIMAL -> "DECIMAL(" + decimalPrecision(logged) + "," + decimalScale(logged) + ")" + sign;
            case BIT -> "BIT(" + bitWidth(logged) + ")";
            case TIME_V2 -> "TIME(" + meta + ")";
            case DATETIME_V2 -> "DATETIME(" + meta + ")";
            case TIMESTAMP_V2 -> "TIMESTAMP(" + meta + ")";
            case NEWDATE -> "DATE";
            case STRING -> "CHAR/BINARY of " + ColumnSpec.fixedLength(meta) + " bytes";
            case VARCHAR, VAR_STRING -> "VARCHAR/VARBINARY of up to " + meta + " bytes";
            case BLOB, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB -> switch (meta) {
                case 1 -> "TINYTEXT/TINYBLOB";
                case 2 -> "TEXT/BLOB";
                case 3 -> "MEDIUMTEXT/MEDIUMBLOB";
                default -> "LONGTEXT/LONGBLOB";
            };
            case ENUM -> storageBytes(logged) == 1 ? "ENUM of up to 255 labels" : "ENUM of more than 255 labels";
            case SET -> "SET of up to " + Math.min(64, storageBytes(logged) * 8) + " labels";
            default -> logged.type().name();
        };
    }

    private static boolean sameSign(TableMapColumn logged, CatalogTable.CatalogColumn now) {
        return logged.unsigned() == null || logged.unsigned() == now.unsigned();
    }

    private static boolean isBlob(ColumnType t) {
        return t == ColumnType.BLOB || t == ColumnType.TINY_BLOB || t == ColumnType.MEDIUM_BLOB
                || t == ColumnType.LONG_BLOB;
    }

    /** The table map logs DECIMAL as precision in the low byte and scale in the high one. */
    private static int decimalPrecision(TableMapColumn c) {
        return c.meta() & 0xFF;
    }

    private static int decimalScale(TableMapColumn c) {
        return c.meta() >> 8;
    }

    /** BIT(n) is logged as whole bytes in the high byte and the remaining bits in the low one. */
    private static int bitWidth(TableMapColumn c) {
        return (c.meta() >> 8) * 8 + (c.meta() & 0xFF);
    }

    /** ENUM and SET log their storage size in the low byte, behind the real type. */
    private static int storageBytes(TableMapColumn c) {
        return c.meta() & 0xFF;
    }

    /** MySQL's {@code get_set_pack_length}: one bit per label, in 1, 2, 3, 4 or 8 bytes. */
    private static int setStorageBytes(int labels) {
        int bytes = (labels + 7) / 8;
        return bytes > 4 ? 8 : bytes;
    }

    private static int fsp(CatalogTable.CatalogColumn c) {
        return c.datetimePrecision() == null ? 0 : c.datetimePrecision();
    }

    private static boolean equal(long logged, Number now) {
        return now == null || logged == now.longValue();
    }
}
