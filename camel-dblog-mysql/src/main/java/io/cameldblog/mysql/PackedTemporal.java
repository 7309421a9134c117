package io.cameldblog.mysql;

import java.io.IOException;
import java.time.LocalDate;

import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

/**
 * Reads TIME, DATE, DATETIME and TIMESTAMP values in the binlog's packed forms as microseconds: TIME signed, the
 * others since 1970-01-01 in the proleptic Gregorian calendar (the calendar MySQL's dates are in), or
 * {@code null} for a value that is no date.
 * <p>
 * Under a permissive {@code sql_mode} the server stores zero dates ({@code 0000-00-00}), partly zero ones
 * ({@code 2024-00-15}, {@code 2024-05-00}) and, with {@code ALLOW_INVALID_DATES}, days a month does not have
 * ({@code 2024-02-31}). The binlog client turns the first two into {@code Long.MIN_VALUE} (which reads as year
 * -290308), rolls the third over into the next month, and computes dates before 1582-10-15 in the Julian
 * calendar. Here the three kinds of no-date arrive as {@code null}, as Debezium does, and old dates as stored.
 * A zero TIMESTAMP is stored as second 0, which is outside TIMESTAMP's range, so second 0 is the zero TIMESTAMP.
 */
final class PackedTemporal {

    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;
    /** DATETIME2 stores its value plus this, so that the sign bit is set for every positive value. */
    private static final long DATETIME2_OFFSET = 0x80_0000_0000L;
    private static final long TIME_INT_OFFSET = 0x800000L;
    private static final long TIME_OFFSET = 0x800000000000L;

    private PackedTemporal() {
    }

    /** DATE: three little-endian bytes, {@code year << 9 | month << 5 | day}. */
    static Long date(ByteArrayInputStream in) throws IOException {
        int packed = in.readInteger(3);
        return micros(packed >> 9, (packed >> 5) & 0x0F, packed & 0x1F, 0, 0, 0, 0);
    }

    /** The old DATETIME (before MySQL 5.6.4): eight little-endian bytes holding the number YYYYMMDDhhmmss. */
    static Long dateTimeV1(ByteArrayInputStream in) throws IOException {
        long n = in.readLong(8);
        int second = (int) (n % 100);
        int minute = (int) (n / 100 % 100);
        int hour = (int) (n / 10_000 % 100);
        int day = (int) (n / 1_000_000 % 100);
        int month = (int) (n / 100_000_000 % 100);
        int year = (int) (n / 10_000_000_000L);
        return micros(year, month, day, hour, minute, second, 0);
    }

    /**
     * DATETIME2 ({@code my_datetime_packed_from_binary}): five big-endian bytes, then the fraction. Bits from the
     * top: sign, 17 bits year * 13 + month, 5 day, 5 hour, 6 minute, 6 second.
     */
    static Long dateTimeV2(int fsp, ByteArrayInputStream in) throws IOException {
        long packed = bigEndian(in.read(5)) - DATETIME2_OFFSET;
        long fraction = fractionMicros(fsp, in);
        int yearMonth = (int) ((packed >> 22) & 0x1FFFF);
        return micros(yearMonth / 13, yearMonth % 13, (int) ((packed >> 17) & 0x1F), (int) ((packed >> 12) & 0x1F),
                (int) ((packed >> 6) & 0x3F), (int) (packed & 0x3F), fraction);
    }

    /** The old TIMESTAMP: four little-endian bytes of epoch seconds. */
    static Long timestampV1(ByteArrayInputStream in) throws IOException {
        long seconds = in.readLong(4);
        return seconds == 0 ? null : seconds * MICROS_PER_SECOND;
    }

    /** TIMESTAMP2: four big-endian bytes of epoch seconds, then the fraction. */
    static Long timestampV2(int fsp, ByteArrayInputStream in) throws IOException {
        long seconds = bigEndian(in.read(4));
        long fraction = fractionMicros(fsp, in);
        if (seconds == 0 && fraction == 0) {
            return null;
        }
        return seconds * MICROS_PER_SECOND + fraction;
    }

    /**
     * TIME2: signed microseconds, decoded as {@code my_time_packed_from_binary} in MySQL's {@code my_time.cc}
     * does (the client drops the sign).
     */
    static long timeV2(int fsp, ByteArrayInputStream in) throws IOException {
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

    /** The fraction of a temporal2 value: (fsp + 1) / 2 big-endian bytes, in units of 10^-(2 * bytes) s. */
    private static long fractionMicros(int fsp, ByteArrayInputStream in) throws IOException {
        int bytes = (fsp + 1) / 2;
        if (bytes == 0) {
            return 0;
        }
        long fraction = bigEndian(in.read(bytes));
        for (int i = bytes; i < 3; i++) {
            fraction *= 100;
        }
        return fraction;
    }

    /** Microseconds since 1970 of a date and time as the server stores it, or null when it is no date. */
    static Long micros(int year, int month, int day, int hour, int minute, int second, long fraction) {
        if (month < 1 || month > 12 || day < 1 || day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return null;
        }
        long seconds = (hour * 60L + minute) * 60L + second;
        return LocalDate.of(year, month, day).toEpochDay() * MICROS_PER_DAY + seconds * MICROS_PER_SECOND + fraction;
    }

    /** The stream's number readers are little-endian; the packed temporal2 formats are big-endian. */
    private static long bigEndian(byte[] bytes) {
        long result = 0;
        for (byte b : bytes) {
            result = (result << 8) | (b & 0xFF);
        }
        return result;
    }
}
