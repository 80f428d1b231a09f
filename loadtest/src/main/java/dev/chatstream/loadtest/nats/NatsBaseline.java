package dev.chatstream.loadtest.nats;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.chatstream.loadtest.metrics.LatencySummary;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.NUID;
import io.nats.client.Options;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The physical floor: core NATS pub→sub of payloads the size of our chunks, through the same
 * nats-server the cluster uses, from this process (one publishing and one subscribing connection).
 * Measures the highest rate delivered with nothing lost (publisher kept at most {@link #WINDOW}
 * messages ahead of the subscriber) and the latency at given rates (send time carried in the
 * payload, same process clock). The subject is private to the run and outside the chat contract.
 */
public final class NatsBaseline {
    private static final int WINDOW = 50_000;
    private static final Duration LATENCY_WARMUP = Duration.ofSeconds(1);

    /** Latency at one paced rate. */
    public record RatePoint(
            @JsonProperty("rate") double rate,
            @JsonProperty("achieved_rate") double achievedRate,
            @JsonProperty("lost") long lost,
            @JsonProperty("latency") LatencySummary latency) {
    }

    /** Everything the baseline measured. */
    public record Result(
            @JsonProperty("payload_bytes") int payloadBytes,
            @JsonProperty("max_msgs_per_s") double maxMsgsPerSecond,
            @JsonProperty("max_run_sent") long sent,
            @JsonProperty("max_run_received") long received,
            @JsonProperty("latency_at_rates") List<RatePoint> latency) {
    }

    private final String url;
    private final int payloadBytes;
    private final Consumer<String> log;

    public NatsBaseline(String url, int payloadBytes, Consumer<String> log) {
        this.url = url;
        this.payloadBytes = Math.max(16, payloadBytes);
        this.log = log;
    }

    public Result run(Duration throughputTime, List<Double> rates, Duration latencyTime) throws IOException, InterruptedException {
        try (Connection pub = connect("loadtest-baseline-pub"); Connection sub = connect("loadtest-baseline-sub")) {
            double[] max = new double[1];
            long[] counts = maxThroughput(pub, sub, throughputTime, max);
            log.accept("nats baseline: max %.0f msgs/s (%d bytes, %d sent, %d received)"
                    .formatted(max[0], payloadBytes, counts[0], counts[1]));
            List<RatePoint> points = new ArrayList<>();
            for (double rate : rates) {
                RatePoint point = latencyAt(pub, sub, rate, latencyTime);
                log.accept("nats baseline at %.0f msgs/s: %s".formatted(rate, point.latency().brief()));
                points.add(point);
            }
            return new Result(payloadBytes, max[0], counts[0], counts[1], points);
        }
    }

    private Connection connect(String name) throws IOException, InterruptedException {
        return Nats.connect(new Options.Builder().server(url).connectionName(name)
                .maxMessagesInOutgoingQueue(WINDOW * 2).build());
    }

    private long[] maxThroughput(Connection pub, Connection sub, Duration time, double[] rate) throws InterruptedException {
        String subject = "_loadtest.baseline." + NUID.nextGlobal();
        AtomicLong received = new AtomicLong();
        AtomicLong lastReceived = new AtomicLong();
        Dispatcher dispatcher = sub.createDispatcher(msg -> {
            received.incrementAndGet();
            lastReceived.lazySet(System.nanoTime());
        });
        dispatcher.subscribe(subject);
        flush(sub);
        byte[] payload = new byte[payloadBytes];
        long start = System.nanoTime();
        long end = start + time.toNanos();
        long sent = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1000; i++) {
                pub.publish(subject, payload);
            }
            sent += 1000;
            while (sent - received.get() > WINDOW) {
                Thread.onSpinWait();
            }
        }
        flush(pub);
        awaitQuiet(received, sent);
        long got = received.get();
        rate[0] = got / ((lastReceived.get() - start) / 1e9);
        sub.closeDispatcher(dispatcher);
        return new long[]{sent, got};
    }

    private RatePoint latencyAt(Connection pub, Connection sub, double rate, Duration time) throws InterruptedException {
        String subject = "_loadtest.baseline." + NUID.nextGlobal();
        Histogram histogram = new Histogram(3);
        AtomicLong received = new AtomicLong();
        long measureFrom = System.nanoTime() + LATENCY_WARMUP.toNanos();
        Dispatcher dispatcher = sub.createDispatcher(msg -> {
            long now = System.nanoTime();
            long sentAt = ByteBuffer.wrap(msg.getData()).getLong();
            received.incrementAndGet();
            if (sentAt >= measureFrom) {
                histogram.recordValue(Math.max(0, now - sentAt));
            }
        });
        dispatcher.subscribe(subject);
        flush(sub);
        long start = System.nanoTime();
        long end = start + LATENCY_WARMUP.toNanos() + time.toNanos();
        long sent = 0;
        long now;
        while ((now = System.nanoTime()) < end) {
            long due = (long) (rate * (now - start) / 1e9);
            while (sent < due) {
                byte[] payload = new byte[payloadBytes];
                ByteBuffer.wrap(payload).putLong(System.nanoTime());
                pub.publish(subject, payload);
                sent++;
            }
            LockSupport.parkNanos(20_000);
        }
        flush(pub);
        awaitQuiet(received, sent);
        sub.closeDispatcher(dispatcher);
        double achieved = sent / ((end - start) / 1e9);
        synchronized (histogram) {
            return new RatePoint(rate, achieved, sent - received.get(), LatencySummary.of(histogram));
        }
    }

    /** Waits until {@code received} reaches {@code sent} or stops moving for a second. */
    private static void awaitQuiet(AtomicLong received, long sent) throws InterruptedException {
        long last = -1;
        long stableSince = System.nanoTime();
        while (received.get() < sent) {
            long now = received.get();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > 1_000_000_000L) {
                return;
            }
            Thread.sleep(5);
        }
    }

    private static void flush(Connection connection) {
        try {
            connection.flush(Duration.ofSeconds(5));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot flush NATS connection: " + e.getMessage(), e);
        }
    }
}
