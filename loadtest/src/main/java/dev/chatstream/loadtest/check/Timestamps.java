package dev.chatstream.loadtest.check;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Fast parsing of the ISO-8601 instants Jackson writes ({@code 2026-11-25T23:01:02.123456Z}) into
 * epoch nanoseconds, and a wall clock with nanosecond resolution to compare them with. Anything
 * else falls back to {@link Instant#parse}.
 */
public final class Timestamps {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long ANCHOR_EPOCH_NANOS;
    private static final long ANCHOR_NANO_TIME;

    static {
        Instant now = Instant.now();
        ANCHOR_NANO_TIME = System.nanoTime();
        ANCHOR_EPOCH_NANOS = now.getEpochSecond() * NANOS_PER_SECOND + now.getNano();
    }

    /** Last parsed date (yyyy-mm-dd) and its epoch nanos at midnight; races only cost a re-parse. */
    private static volatile DayCache day = new DayCache("", 0);

    private record DayCache(String text, long midnightNanos) {
    }

    private Timestamps() {
    }

    /**
     * Wall-clock time in epoch nanoseconds: the system clock read once at start-up, advanced by
     * {@link System#nanoTime()}; the producer's {@code Instant.now()} reads the same host clock.
     */
    public static long nowEpochNanos() {
        return ANCHOR_EPOCH_NANOS + (System.nanoTime() - ANCHOR_NANO_TIME);
    }

    /** Epoch nanos of the instant starting at {@code start} in {@code text} and ending with {@code Z"}. */
    public static long epochNanos(String text, int start) {
        try {
            return fast(text, start);
        } catch (RuntimeException e) {
            return slow(text, start);
        }
    }

    private static long fast(String s, int p) {
        // yyyy-mm-ddThh:mm:ss[.fffffffff]Z
        if (s.charAt(p + 10) != 'T' || s.charAt(p + 13) != ':' || s.charAt(p + 16) != ':') {
            throw new IllegalArgumentException("not a UTC instant");
        }
        DayCache cached = day;
        long midnight;
        if (s.regionMatches(p, cached.text, 0, 10) && cached.text.length() == 10) {
            midnight = cached.midnightNanos;
        } else {
            String date = s.substring(p, p + 10);
            midnight = LocalDate.parse(date).toEpochDay() * 86_400L * NANOS_PER_SECOND;
            day = new DayCache(date, midnight);
        }
        long seconds = digits(s, p + 11, 2) * 3600 + digits(s, p + 14, 2) * 60 + digits(s, p + 17, 2);
        int i = p + 19;
        long fraction = 0;
        int scale = 0;
        if (s.charAt(i) == '.') {
            i++;
            while (Character.isDigit(s.charAt(i))) {
                if (scale < 9) {
                    fraction = fraction * 10 + (s.charAt(i) - '0');
                    scale++;
                }
                i++;
            }
        }
        if (s.charAt(i) != 'Z') {
            throw new IllegalArgumentException("not UTC");
        }
        for (; scale < 9; scale++) {
            fraction *= 10;
        }
        return midnight + seconds * NANOS_PER_SECOND + fraction;
    }

    private static long digits(String s, int at, int count) {
        long value = 0;
        for (int i = at; i < at + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("digit expected");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static long slow(String s, int start) {
        int end = s.indexOf('"', start);
        if (end < 0) {
            return Long.MIN_VALUE;
        }
        try {
            Instant instant = Instant.parse(s.substring(start, end));
            return instant.getEpochSecond() * NANOS_PER_SECOND + instant.getNano();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }
}
