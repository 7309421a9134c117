package io.cameldblog.postgres;

import java.util.regex.Pattern;

/**
 * PostgreSQL log sequence numbers as {@code long}s, and their text form {@code 16/B374D848} (two hexadecimal
 * halves, as {@code pg_current_wal_lsn()} prints them).
 */
final class Lsn {

    private static final Pattern TEXT = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

    private Lsn() {
    }

    static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
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
