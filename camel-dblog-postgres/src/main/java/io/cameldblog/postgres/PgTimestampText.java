package io.cameldblog.postgres;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The text form PostgreSQL sends timestamps in ({@code DateStyle=ISO}: {@code 2024-05-06 07:08:09.123456}, with
 * {@code +02}, {@code -03:30} or {@code +05:53:28} after it for timestamptz), read by position. It is what every
 * row of a table with timestamps costs, and {@code LocalDateTime.parse} with a regular expression for the offset
 * was a fifth of the per-row work. Anything else (years past 9999, BC dates) returns {@code null} and takes the
 * general parser.
 */
final class PgTimestampText {

    private PgTimestampText() {
    }

    /** {@code timestamp}: the local date-time, or {@code null} when the text is not in the common form. */
    static LocalDateTime local(String s) {
        return local(s, s.length());
    }

    /** {@code timestamptz}: the instant as UTC, or {@code null} when the text is not in the common form. */
    static OffsetDateTime utc(String s) {
        int sign = offsetStart(s);
        if (sign < 0) {
            return null;
        }
        LocalDateTime local = local(s, sign);
        ZoneOffset offset = offset(s, sign);
        if (local == null || offset == null) {
            return null;
        }
        return OffsetDateTime.of(local, offset).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static LocalDateTime local(String s, int end) {
        if (end < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != ' ' || s.charAt(13) != ':'
            || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int nanos = 0;
        if (end > 19) {
            int fractionDigits = end - 20;
            if (s.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
                return null;
            }
            int fraction = digits(s, 20, end);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        return LocalDateTime.of(year, month, day, hour, minute, second, nanos);
    }

    /** Where the offset's sign stands: after the seconds, the last '+' or '-'. */
    private static int offsetStart(String s) {
        for (int i = s.length() - 1; i >= 19; i--) {
            char c = s.charAt(i);
            if (c == '+' || c == '-') {
                return i;
            }
        }
        return -1;
    }

    private static ZoneOffset offset(String s, int sign) {
        int length = s.length() - sign;
        if (length != 3 && length != 6 && length != 9) {
            return null;
        }
        if (length >= 6 && s.charAt(sign + 3) != ':' || length == 9 && s.charAt(sign + 6) != ':') {
            return null; // e.g. "+02 BC"
        }
        int hours = digits(s, sign + 1, sign + 3);
        int minutes = length >= 6 ? digits(s, sign + 4, sign + 6) : 0;
        int seconds = length == 9 ? digits(s, sign + 7, sign + 9) : 0;
        if ((hours | minutes | seconds) < 0) {
            return null;
        }
        int total = hours * 3600 + minutes * 60 + seconds;
        return ZoneOffset.ofTotalSeconds(s.charAt(sign) == '-' ? -total : total);
    }

    /** The decimal number in s[from, to), or -1 if a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            n = n * 10 + d;
        }
        return n;
    }
}
