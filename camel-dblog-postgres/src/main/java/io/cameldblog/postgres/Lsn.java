package io.cameldblog.postgres;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * PostgreSQL log sequence numbers as {@code long}s, and their text form {@code 16/B374D848} (two hexadecimal
 * halves, as {@code pg_current_wal_lsn()} prints them).
 */
final class Lsn {

    private static final Pattern TEXT = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

    private Lsn() {
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    /** Formatted for every row the reader delivers: written into one buffer, not built from four strings. */
    static String format(long lsn) {
        byte[] text = new byte[17];
        int end = hex(lsn >>> 32, text, 0);
        text[end++] = '/';
        end = hex(lsn & 0xFFFFFFFFL, text, end);
        return new String(text, 0, end, StandardCharsets.US_ASCII);
    }

    /** Writes {@code half} (at most 32 bits) in upper-case hexadecimal without leading zeros; returns the next index. */
    private static int hex(long half, byte[] into, int at) {
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(half) + 3) / 4);
        for (int i = digits - 1; i >= 0; i--) {
            into[at + i] = HEX[(int) (half & 0xF)];
            half >>>= 4;
        }
        return at + digits;
    }

    /**
     * @throws IllegalArgumentException naming the expected form
     */
    static long parse(String text) {
        if (text == null || !TEXT.matcher(text.trim()).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a PostgreSQL LSN; expected two hexadecimal"
                                               + " numbers separated by a slash, like 0/16B3748");
        }
        String[] halves = text.trim().split("/");
        return (Long.parseLong(halves[0], 16) << 32) | Long.parseLong(halves[1], 16);
    }
}
