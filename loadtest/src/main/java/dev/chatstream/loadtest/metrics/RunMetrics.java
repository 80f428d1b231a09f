package dev.chatstream.loadtest.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything a run measures, recorded from any event loop without locks. Latencies go to
 * HdrHistogram {@link Recorder}s in nanoseconds; once a second {@link #tick} moves each interval
 * into the run totals (only while {@link #measuring}, so warm-up does not count) and returns the
 * interval for the progress line.
 */
public final class RunMetrics {
    private final Recorder ttft = new Recorder(3);
    private final Recorder pipeline = new Recorder(3);
    private final Recorder post = new Recorder(3);
    private final Recorder gap = new Recorder(3);
    private final Histogram gapTotal = new Histogram(3);
    private Histogram gapInterval;
    private final Histogram ttftTotal = new Histogram(3);
    private final Histogram pipelineTotal = new Histogram(3);
    private final Histogram postTotal = new Histogram(3);
    private Histogram ttftInterval;
    private Histogram pipelineInterval;
    private Histogram postInterval;

    public final LongAdder chunks = new LongAdder();
    public final LongAdder chunkBytes = new LongAdder();
    public final LongAdder sent = new LongAdder();
    public final LongAdder acked = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder outOfOrder = new LongAdder();
    private final LongAdder measuredChunks = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private volatile boolean measuring;
    private volatile long measureStartNanos;
    private volatile long measureEndNanos;

    public void recordTtft(long nanos) {
        ttft.recordValue(Math.max(0, nanos));
    }

    public void recordPipeline(long nanos) {
        pipeline.recordValue(Math.max(0, nanos));
    }

    /** Time between two consecutive chunks of one message at one client: how bursty the stream looks. */
    public void recordGap(long nanos) {
        gap.recordValue(Math.max(0, nanos));
    }

    public void recordPost(long nanos) {
        post.recordValue(Math.max(0, nanos));
    }

    public void chunk(int bytes) {
        chunks.increment();
        chunkBytes.add(bytes);
        if (measuring) {
            measuredChunks.increment();
        }
    }

    /** Counts an error of {@code kind} (e.g. {@code post_status_503}, {@code sse_closed}). */
    public void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    public synchronized void startMeasuring() {
        tick();
        measureStartNanos = System.nanoTime();
        measuring = true;
    }

    public synchronized void stopMeasuring() {
        measureEndNanos = System.nanoTime();
        tick();
        measuring = false;
    }

    /** Seconds measured so far (or in total, once stopped). */
    public double measuredSeconds() {
        if (measureStartNanos == 0) {
            return 0;
        }
        long end = measuring ? System.nanoTime() : measureEndNanos;
        return (end - measureStartNanos) / 1e9;
    }

    public long measuredChunks() {
        return measuredChunks.sum();
    }

    /** Closes the current interval; returns it (the totals hold it too while measuring). */
    public synchronized Interval tick() {
        ttftInterval = ttft.getIntervalHistogram(ttftInterval);
        pipelineInterval = pipeline.getIntervalHistogram(pipelineInterval);
        postInterval = post.getIntervalHistogram(postInterval);
        gapInterval = gap.getIntervalHistogram(gapInterval);
        if (measuring) {
            gapTotal.add(gapInterval);
            ttftTotal.add(ttftInterval);
            pipelineTotal.add(pipelineInterval);
            postTotal.add(postInterval);
        }
        return new Interval(LatencySummary.of(ttftInterval), LatencySummary.of(pipelineInterval),
                LatencySummary.of(postInterval));
    }

    /** One second's latencies. */
    public record Interval(LatencySummary ttft, LatencySummary pipeline, LatencySummary post) {
    }

    public synchronized LatencySummary ttftTotal() {
        return LatencySummary.of(ttftTotal);
    }

    public synchronized LatencySummary pipelineTotal() {
        return LatencySummary.of(pipelineTotal);
    }

    public synchronized LatencySummary gapTotal() {
        return LatencySummary.of(gapTotal);
    }

    public synchronized LatencySummary postTotal() {
        return LatencySummary.of(postTotal);
    }

    /** Mean size in bytes of the chunk JSON received so far. */
    public int meanChunkBytes() {
        long count = chunks.sum();
        return count == 0 ? 0 : (int) (chunkBytes.sum() / count);
    }

    public Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
