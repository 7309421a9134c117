package io.cameldblog.postgres;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameldblog.core.json.ChangeEventJson;

/**
 * Turns a column value in PostgreSQL's text output form into the Java value of docs/events.md: integers as
 * Integer/Long, numeric as exact BigDecimal, timestamps with their microseconds, timestamptz in UTC, bytea as
 * bytes, json/jsonb parsed, arrays as Lists, enums as their label, domains as their base type. Values Java has no
 * type for (infinity dates, NaN numerics, intervals, geometric and network types) stay in PostgreSQL's text form.
 */
class PgValueConverter {

    // built-in type OIDs (src/include/catalog/pg_type.dat): stable across versions
    static final int BOOL = 16, BYTEA = 17, CHAR = 18, NAME = 19, INT8 = 20, INT2 = 21, INT4 = 23, TEXT = 25,
            OID = 26, JSON = 114, FLOAT4 = 700, FLOAT8 = 701, BPCHAR = 1042, VARCHAR = 1043, DATE = 1082,
            TIME = 1083, TIMESTAMP = 1114, TIMESTAMPTZ = 1184, TIMETZ = 1266, NUMERIC = 1700, UUID_OID = 2950,
            JSONB = 3802;

    private static final Pattern OFFSET = Pattern.compile("([+-]\\d{2})(?::(\\d{2}))?(?::(\\d{2}))?$");

    private final PgTypeRegistry types;

    PgValueConverter(PgTypeRegistry types) {
        this.types = types;
    }

    PgTypeRegistry types() {
        return types;
    }

    Object fromText(int typeOid, String text) {
        if (text == null) {
            return null;
        }
        try {
            return convert(typeOid, text);
        } catch (DateTimeParseException | NumberFormatException e) {
            // infinity, BC dates, 24:00:00, NaN: values without a Java equivalent keep PostgreSQL's spelling
            return text;
        }
    }

    private Object convert(int oid, String text) {
        if (SPECIAL_VALUES.contains(text)) {
            // numeric/float NaN and ±Infinity, date/timestamp ±infinity: no exact Java value of the column's type
            return oid == NUMERIC || oid == FLOAT4 || oid == FLOAT8 ? Double.valueOf(text.replace("infinity",
                    "Infinity")) : text;
        }
        switch (oid) {
            case BOOL:
                return "t".equals(text) || "true".equals(text);
            case INT2:
            case INT4:
                return Integer.valueOf(text);
            case INT8:
            case OID:
                return Long.valueOf(text);
            case FLOAT4:
                return Float.valueOf(text);
            case FLOAT8:
                return Double.valueOf(text);
            case NUMERIC:
                return new BigDecimal(text);
            case TEXT:
            case VARCHAR:
            case BPCHAR:
            case NAME:
            case CHAR:
                return text;
            case BYTEA:
                return bytea(text);
            case DATE:
                return LocalDate.parse(text);
            case TIME:
                return LocalTime.parse(text);
            case TIMETZ: {
                Matcher m = OFFSET.matcher(text);
                if (!m.find()) {
                    return text;
                }
                return OffsetTime.of(LocalTime.parse(text.substring(0, m.start())), offset(m));
            }
            case TIMESTAMP: {
                LocalDateTime fast = PgTimestampText.local(text);
                return fast != null ? fast : LocalDateTime.parse(text.replace(' ', 'T'));
            }
            case TIMESTAMPTZ: {
                OffsetDateTime fast = PgTimestampText.utc(text);
                if (fast != null) {
                    return fast;
                }
                Matcher m = OFFSET.matcher(text);
                if (!m.find()) {
                    return text;
                }
                LocalDateTime local = LocalDateTime.parse(text.substring(0, m.start()).replace(' ', 'T'));
                return OffsetDateTime.of(local, offset(m)).withOffsetSameInstant(ZoneOffset.UTC);
            }
            case UUID_OID:
                return UUID.fromString(text);
            case JSON:
            case JSONB:
                return ChangeEventJson.parse(text);
            default:
                return byCatalogue(oid, text);
        }
    }

    private static final java.util.Set<String> SPECIAL_VALUES = java.util.Set.of("NaN", "Infinity", "-Infinity",
            "infinity", "-infinity");

    private Object byCatalogue(int oid, String text) {
        PgTypeRegistry.PgType t = types.lookup(oid);
        if (t == null) {
            return text;
        }
        if (t.element() != 0) {
            return new ArrayLiteral(text, t.delim()).parse(t.element());
        }
        if (t.kind() == 'd' && t.base() != 0) {
            return convert(t.base(), text);
        }
        return text; // enum labels, composites, ranges, geometric and network types: their text form
    }

    private static ZoneOffset offset(Matcher m) {
        int h = Integer.parseInt(m.group(1));
        int min = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        int sec = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        int sign = h < 0 || m.group(1).startsWith("-") ? -1 : 1;
        return ZoneOffset.ofHoursMinutesSeconds(h, sign * min, sign * sec);
    }

    private static byte[] bytea(String text) {
        if (text.startsWith("\\x")) {
            return HexFormat.of().parseHex(text, 2, text.length());
        }
        return escapedBytea(text);
    }

    /** The old {@code bytea_output=escape} form: printable bytes as is, others as {@code \ooo}, {@code \\}. */
    private static byte[] escapedBytea(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                out.write('\\');
                i++;
            } else if (c == '\\' && i + 3 < text.length()) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    /** PostgreSQL's array literal: {@code {1,2,NULL}}, {@code {"a b","c\"d"}}, {@code {{1,2},{3,4}}}. */
    private final class ArrayLiteral {
        private final String s;
        private final char delim;
        private int i;

        ArrayLiteral(String text, char delim) {
            // explicit bounds ("[0:1]={1,2}") are dropped: Java lists start at 0 anyway
            int eq = text.startsWith("[") ? text.indexOf('=') : -1;
            this.s = eq >= 0 ? text.substring(eq + 1) : text;
            this.delim = delim;
        }

        List<Object> parse(int elementOid) {
            if (s.charAt(i) != '{') {
                throw new NumberFormatException("not an array literal: " + s);
            }
            i++;
            List<Object> list = new ArrayList<>();
            if (s.charAt(i) == '}') {
                i++;
                return list;
            }
            while (true) {
                char c = s.charAt(i);
                if (c == '{') {
                    list.add(parse(elementOid));
                } else if (c == '"') {
                    list.add(fromText(elementOid, quoted()));
                } else {
                    int start = i;
                    while (s.charAt(i) != delim && s.charAt(i) != '}') {
                        i++;
                    }
                    String raw = s.substring(start, i).trim();
                    list.add("NULL".equals(raw) ? null : fromText(elementOid, raw));
                }
                char next = s.charAt(i++);
                if (next == '}') {
                    return list;
                }
            }
        }

        private String quoted() {
            StringBuilder b = new StringBuilder();
            i++; // opening quote
            while (true) {
                char c = s.charAt(i++);
                if (c == '\\') {
                    b.append(s.charAt(i++));
                } else if (c == '"') {
                    return b.toString();
                } else {
                    b.append(c);
                }
            }
        }
    }
}
