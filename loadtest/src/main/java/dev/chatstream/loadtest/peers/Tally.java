package dev.chatstream.loadtest.peers;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the readers saw during one measured window. A chunk counts for latency and loss when it was
 * published inside the window (its {@code timestamp}); for CPU per chunk, when it arrived inside it.
 * Safe to record from every event loop at once.
 */
final class Tally {
    private final Recorder latencyMicros = new Recorder(3);
    private final LongAdder stampedInWindow = new LongAdder();
    private final LongAdder arrivedInWindow = new LongAdder();
    private final LongAdder repeated = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile boolean arriving;

    /** Chunks published from now on count; arrivals count until {@link #closeArrivals}. */
    void open(long epochNanos) {
        latencyMicros.reset();
        windowStart = epochNanos;
        windowEnd = Long.MAX_VALUE;
        arriving = true;
    }

    /** Chunks published from now on no longer count. */
    void close(long epochNanos) {
        windowEnd = epochNanos;
    }

    /** Arrivals after now no longer count toward the delivered rate. */
    void closeArrivals() {
        arriving = false;
    }

    void chunk(long publishedEpochNanos, long arrivedEpochNanos) {
        if (arriving) {
            arrivedInWindow.increment();
        }
        if (publishedEpochNanos >= windowStart && publishedEpochNanos < windowEnd) {
            stampedInWindow.increment();
            latencyMicros.recordValue(Math.max(0, (arrivedEpochNanos - publishedEpochNanos) / 1_000));
        }
    }

    /** A chunk id at or below one already seen for the same answer on the connection. */
    void repeated() {
        repeated.increment();
    }

    /** A chunk id that skipped ids of its answer, or an answer that started past chunk 0. */
    void gap() {
        gaps.increment();
    }

    /** Everything recorded since {@link #open}; resets the counters for the next window. */
    Snapshot take() {
        Snapshot snapshot = new Snapshot(latencyMicros.getIntervalHistogram(), stampedInWindow.sumThenReset(),
                arrivedInWindow.sumThenReset(), repeated.sumThenReset(), gaps.sumThenReset());
        windowStart = Long.MAX_VALUE;
        return snapshot;
    }

    record Snapshot(Histogram latencyMicros, long stamped, long arrived, long repeated, long gaps) {
    }
}
