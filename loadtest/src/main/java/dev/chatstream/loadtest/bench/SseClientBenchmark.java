package dev.chatstream.loadtest.bench;

import dev.chatstream.loadtest.check.ChunkFields;
import dev.chatstream.loadtest.check.ChunkScan;
import dev.chatstream.loadtest.check.StreamChecker;
import dev.chatstream.loadtest.sse.EventIds;
import dev.chatstream.loadtest.sse.SseEvent;
import dev.chatstream.loadtest.sse.SseFrame;
import dev.chatstream.loadtest.sse.SseParser;
import dev.chatstream.loadtest.sse.SseScanner;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's work per received SSE chunk event, without metrics: parse the event, split
 * the id, read is_final / timestamp / chunk_type, check order. {@code strings} is the String path the
 * generator took before the byte scan (an {@link SseEvent} of Strings per event, String field scans with
 * {@link ChunkFields}), {@code bytes} what {@code SseStream} does now. One read of 32 chunk events, as a pod writes one batch; score is per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SseClientBenchmark {
    private static final int EVENTS = 32;
    private static final byte[] CHUNK = "chunk".getBytes(StandardCharsets.US_ASCII);

    private Buffer read;
    private Blackhole blackhole;
    private final StreamChecker stringsChecker = new StreamChecker();
    private final StreamChecker bytesChecker = new StreamChecker();
    private final ChunkScan scan = new ChunkScan();
    private final EventIds ids = new EventIds();
    private SseParser stringsParser;
    private SseScanner scanner;

    @Setup
    public void setUp(Blackhole blackhole) {
        this.blackhole = blackhole;
        read = SseFrames.frame(Samples.MESSAGE_ID, 0, Samples.batch(EVENTS));
        stringsParser = new SseParser(this::stringsEvent);
        scanner = new SseScanner(this::bytesEvent);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void strings() {
        stringsParser.feed(read);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void bytes() {
        scanner.feed(read);
    }

    private void stringsEvent(SseEvent event) {
        if (!"chunk".equals(event.event())) {
            return;
        }
        String id = event.id();
        String data = event.data();
        int colon = id.lastIndexOf(':');
        String messageId = id.substring(0, colon);
        long chunkId = Long.parseLong(id, colon + 1, id.length(), 10);
        boolean isFinal = ChunkFields.isTrue(data, "is_final");
        long timestamp = ChunkFields.timestampNanos(data);
        String type = ChunkFields.string(data, "chunk_type");
        blackhole.consume(timestamp);
        blackhole.consume(type);
        blackhole.consume(data.length());
        blackhole.consume(stringsChecker.accept(messageId, chunkId, isFinal));
    }

    private void bytesEvent(SseFrame frame) {
        if (!frame.eventIs(CHUNK)) {
            return;
        }
        byte[] id = frame.idBytes();
        int colon = EventIds.lastColon(id, frame.idLength());
        String messageId = ids.messageId(id, colon);
        long chunkId = EventIds.chunkId(id, colon + 1, frame.idLength());
        scan.scan(frame.dataBytes(), frame.dataLength());
        blackhole.consume(scan.timestampNanos());
        blackhole.consume(scan.type());
        blackhole.consume(frame.dataLength());
        blackhole.consume(bytesChecker.accept(messageId, chunkId, scan.isFinal()));
    }

}
