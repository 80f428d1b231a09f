package dev.chatstream.telemetry;

import java.time.Duration;

/**
 * Histogram bucket bounds for user-facing latencies (time to first chunk, operation durations): fine
 * steps in the low milliseconds, where a chat backend's overhead shows, then coarser up to a minute,
 * where a slow model's first token can land. One set for both services so dashboards compare alike.
 */
public final class LatencyBuckets {
    private static final long[] MILLIS = {1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750,
            1_000, 1_500, 2_000, 3_000, 5_000, 10_000, 30_000, 60_000};

    private LatencyBuckets() {
    }

    /** The bucket upper bounds, ascending. */
    public static Duration[] bounds() {
        Duration[] bounds = new Duration[MILLIS.length];
        for (int i = 0; i < MILLIS.length; i++) {
            bounds[i] = Duration.ofMillis(MILLIS[i]);
        }
        return bounds;
    }
}
