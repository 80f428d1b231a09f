package dev.chatstream.loadtest.bench;

import dev.chatstream.wire.BatchHeader;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.wire.PodFrame;
import io.nats.client.impl.Headers;
import io.nats.client.support.IncomingHeadersProcessor;
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

import java.util.concurrent.TimeUnit;

/**
 * What one paced chunk costs in framing at both ends, per batch: as a message of its own (the worker builds its
 * batch headers, jnats serialises them, the pod's jnats parses them and the pod reads the {@link BatchHeader}),
 * against a segment of a {@link PodFrame} of {@value #SEGMENTS} batches (encode, decode, body copied out).
 * Header bytes on the wire are NATS's cost too; the frame sends one small header per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PodFrameBenchmark {
    static final int SEGMENTS = 16;
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final String[] sessions = new String[SEGMENTS];
    private Headers identity;
    private byte[] body;

    @Setup
    public void setUp() {
        for (int i = 0; i < SEGMENTS; i++) {
            sessions[i] = "session-" + i + "-" + Samples.SESSION_ID.substring(8, 20);
        }
        identity = new Headers()
                .put(ChunkHeaders.SESSION_ID, sessions[0])
                .put(ChunkHeaders.MESSAGE_ID, Samples.MESSAGE_ID)
                .put(ChunkHeaders.ATTEMPT, "1")
                .put(ChunkHeaders.CORRELATION_ID, Samples.MESSAGE_ID)
                .put(ChunkHeaders.TRACEPARENT, TRACEPARENT)
                .put(ChunkHeaders.REQUESTED_AT, "1764800000000000");
        body = Samples.batch(1);
    }

    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public void batchPerMessage(Blackhole bh) {
        for (int i = 0; i < SEGMENTS; i++) {
            Headers headers = new Headers(identity)
                    .put(ChunkHeaders.FIRST_CHUNK_ID, Integer.toString(100 + i))
                    .put(ChunkHeaders.CHUNK_COUNT, "1")
                    .put(ChunkHeaders.PUBLISHED_AT, "1764800000123456");
            byte[] wire = headers.getSerialized();
            Headers received = new IncomingHeadersProcessor(wire).getHeaders();
            bh.consume(BatchHeader.from(received));
            bh.consume(body);
        }
    }

    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public void batchInPodFrame(Blackhole bh) {
        PodFrame.Writer writer = new PodFrame.Writer(4096);
        for (int i = 0; i < SEGMENTS; i++) {
            writer.append(new BatchHeader(sessions[i], Samples.MESSAGE_ID, 100 + i, 1, 1, false, 1764800000123456L),
                    1764800000000000L, Samples.MESSAGE_ID, TRACEPARENT, body);
        }
        byte[] frame = writer.toBytes();
        bh.consume(PodFrame.headers().getSerialized());
        PodFrame.forEach(frame, segment -> {
            bh.consume(segment.header());
            bh.consume(segment.body());
        });
    }
}
