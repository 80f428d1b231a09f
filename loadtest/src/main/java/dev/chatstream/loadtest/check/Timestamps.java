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

    private record DayCache(String text, byte[] bytes, long midnightNanos) {
        DayCache(String text, long midnightNanos) {
            this(text, text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), midnightNanos);
        }
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

    /** {@link #nowEpochNanos()} at the moment {@code nanoTime} was read from {@link System#nanoTime()}. */
    public static long epochNanosAt(long nanoTime) {
        return ANCHOR_EPOCH_NANOS + (nanoTime - ANCHOR_NANO_TIME);
    }

    /**
     * Like {@link #epochNanos(String, int)} on UTF-8 bytes: the instant starts at {@code start}
     * and ends with {@code Z"} before {@code end}; anything else falls back to the String form.
     */
    public static long epochNanos(byte[] text, int start, int end) {
        long fast = fast(text, start, end);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        if (start >= end) {
            return Long.MIN_VALUE;
        }
        return slow(new String(text, start, end - start, java.nio.charset.StandardCharsets.UTF_8), 0);
    }

    private static long fast(byte[] s, int p, int end) {
        // yyyy-mm-ddThh:mm:ss[.fffffffff]Z
        if (p + 20 > end || s[p + 4] != '-' || s[p + 7] != '-' || s[p + 10] != 'T' || s[p + 13] != ':'
                || s[p + 16] != ':') {
            return Long.MIN_VALUE;
        }
        DayCache cached = day;
        long midnight;
        if (cached.bytes.length == 10 && java.util.Arrays.equals(s, p, p + 10, cached.bytes, 0, 10)) {
            midnight = cached.midnightNanos;
        } else {
            String date = new String(s, p, 10, java.nio.charset.StandardCharsets.ISO_8859_1);
            try {
                midnight = LocalDate.parse(date).toEpochDay() * 86_400L * NANOS_PER_SECOND;
            } catch (DateTimeParseException e) {
                return Long.MIN_VALUE;
            }
            day = new DayCache(date, midnight);
        }
        long h = digits(s, p + 11);
        long m = digits(s, p + 14);
        long sec = digits(s, p + 17);
        if (h < 0 || m < 0 || sec < 0) {
            return Long.MIN_VALUE;
        }
        int i = p + 19;
        long fraction = 0;
        int scale = 0;
        if (s[i] == '.') {
            i++;
            while (i < end && s[i] >= '0' && s[i] <= '9') {
                if (scale < 9) {
                    fraction = fraction * 10 + (s[i] - '0');
                    scale++;
                }
                i++;
            }
        }
        if (i >= end || s[i] != 'Z') {
            return Long.MIN_VALUE;
        }
        for (; scale < 9; scale++) {
            fraction *= 10;
        }
        return midnight + (h * 3600 + m * 60 + sec) * NANOS_PER_SECOND + fraction;
    }

    /** Two digits at {@code at}, or -1. */
    private static long digits(byte[] s, int at) {
        int a = s[at] - '0';
        int b = s[at + 1] - '0';
        return a < 0 || a > 9 || b < 0 || b > 9 ? -1 : a * 10L + b;
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
