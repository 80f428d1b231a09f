package dev.chatstream.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * An {@link Instant} in the form Jackson's {@code InstantSerializer} writes with our mapper
 * ({@link DateTimeFormatter#ISO_INSTANT}, the same as {@link Instant#toString()}): UTC, {@code Z}, and a
 * fraction of 0, 3, 6 or 9 digits, the fewest that hold the nanoseconds. Years 0000 to 9999 (all the
 * JSON Schema allows) are computed directly; any other year goes through the formatter, which adds
 * the sign and extra digits.
 */
final class Timestamps {
    /** 0000-01-01T00:00:00Z. */
    private static final long FIRST_FAST_SECOND = -62_167_219_200L;
    /** 9999-12-31T23:59:59Z. */
    private static final long LAST_FAST_SECOND = 253_402_300_799L;
    private static final int SECONDS_PER_DAY = 86_400;
    /** Days from 0000-03-01 to 1970-01-01 (the civil calendar counted from a March-based year 0). */
    private static final long DAYS_0000_03_01_TO_EPOCH = 719_468L;
    private static final int DAYS_PER_400_YEARS = 146_097;
    private static final int DATE_AND_TIME_LENGTH = "0000-00-00T00:00:00".length();

    /**
     * The last second written, with its text: chunks are stamped with the current time, so almost
     * every chunk falls in the same second as the one before and skips the calendar arithmetic.
     * Threads may race to replace it; each replacement is complete and correct (final fields), so a
     * lost update costs only a recomputation.
     */
    private static Second lastSecond = new Second(0, dateAndTime(0));

    private Timestamps() {
    }

    /** Bytes {@link #write} writes for {@code instant}. */
    static int length(Instant instant) {
        long second = instant.getEpochSecond();
        if (second < FIRST_FAST_SECOND || second > LAST_FAST_SECOND) {
            return formatted(instant).length;
        }
        return "0000-00-00T00:00:00Z".length() + fractionLength(instant.getNano());
    }

    static int write(Instant instant, byte[] out, int p) {
        long second = instant.getEpochSecond();
        if (second < FIRST_FAST_SECOND || second > LAST_FAST_SECOND) {
            byte[] formatted = formatted(instant);
            System.arraycopy(formatted, 0, out, p, formatted.length);
            return p + formatted.length;
        }
        Second cached = lastSecond;
        if (cached.epochSecond() != second) {
            cached = new Second(second, dateAndTime(second));
            lastSecond = cached;
        }
        System.arraycopy(cached.text(), 0, out, p, DATE_AND_TIME_LENGTH);
        p += DATE_AND_TIME_LENGTH;
        int nano = instant.getNano();
        int fraction = fractionLength(nano);
        if (fraction > 0) {
            out[p++] = '.';
            // Drop the trailing groups of zeros the length leaves out.
            int value = fraction == 4 ? nano / 1_000_000 : fraction == 7 ? nano / 1_000 : nano;
            for (int i = p + fraction - 2; i >= p; i--) {
                out[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            p += fraction - 1;
        }
        out[p++] = 'Z';
        return p;
    }

    /** {@code yyyy-MM-ddTHH:mm:ss} of a second in years 0000 to 9999. */
    private static byte[] dateAndTime(long second) {
        long day = Math.floorDiv(second, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(second, SECONDS_PER_DAY);

        // Civil date from a day count (H. Hinnant's civil_from_days): years start on 1 March so that the
        // leap day is the last day of a year; January and February of year 0 fall in era -1.
        long z = day + DAYS_0000_03_01_TO_EPOCH;
        long era = Math.floorDiv(z, DAYS_PER_400_YEARS);
        int dayOfEra = (int) (z - era * DAYS_PER_400_YEARS);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int monthFromMarch = (5 * dayOfYear + 2) / 153;
        int dayOfMonth = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        int month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        int year = (int) (era * 400) + yearOfEra + (month <= 2 ? 1 : 0);

        byte[] out = new byte[DATE_AND_TIME_LENGTH];
        int p = fourDigits(year, out, 0);
        out[p++] = '-';
        p = twoDigits(month, out, p);
        out[p++] = '-';
        p = twoDigits(dayOfMonth, out, p);
        out[p++] = 'T';
        p = twoDigits(secondOfDay / 3600, out, p);
        out[p++] = ':';
        p = twoDigits(secondOfDay / 60 % 60, out, p);
        out[p++] = ':';
        p = twoDigits(secondOfDay % 60, out, p);
        return out;
    }

    /** Bytes of the fraction including its dot: 0, 4, 7 or 10. */
    private static int fractionLength(int nano) {
        if (nano == 0) {
            return 0;
        }
        if (nano % 1_000_000 == 0) {
            return 4;
        }
        return nano % 1_000 == 0 ? 7 : 10;
    }

    private static int fourDigits(int value, byte[] out, int p) {
        out[p] = (byte) ('0' + value / 1000);
        out[p + 1] = (byte) ('0' + value / 100 % 10);
        out[p + 2] = (byte) ('0' + value / 10 % 10);
        out[p + 3] = (byte) ('0' + value % 10);
        return p + 4;
    }

    private static int twoDigits(int value, byte[] out, int p) {
        out[p] = (byte) ('0' + value / 10);
        out[p + 1] = (byte) ('0' + value % 10);
        return p + 2;
    }

    private record Second(long epochSecond, byte[] text) {
    }

    private static byte[] formatted(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant).getBytes(StandardCharsets.US_ASCII);
    }
}
