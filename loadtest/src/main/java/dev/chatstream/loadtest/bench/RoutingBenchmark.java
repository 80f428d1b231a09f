package dev.chatstream.loadtest.bench;

import dev.chatstream.wire.ChunkHeaders;
import io.nats.client.impl.Headers;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The pod's per-batch hot path without I/O: read the routing headers, look the session up among
 * {@code sessions} open ones, frame the batch once and hand the buffer to each of the session's
 * connections (a sink that only counts bytes, standing in for the SSE response).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RoutingBenchmark {
    @Param({"10000"})
    public int sessions;

    @Param({"1", "4"})
    public int connectionsPerSession;

    @Param({"1", "8"})
    public int batchSize;

    /** Stands in for an SSE connection's response. */
    static final class CountingSink {
        long bytes;

        void write(Buffer buffer) {
            bytes += buffer.length();
        }
    }

    private final ConcurrentHashMap<String, List<CountingSink>> router = new ConcurrentHashMap<>();
    private String[] sessionIds;
    private Headers[] headers;
    private byte[] body;

    @Setup
    public void setUp() {
        sessionIds = new String[sessions];
        headers = new Headers[sessions];
        for (int i = 0; i < sessions; i++) {
            String sid = "session-" + i + "-" + Samples.SESSION_ID.substring(8, 20);
            sessionIds[i] = sid;
            List<CountingSink> sinks = new ArrayList<>();
            for (int c = 0; c < connectionsPerSession; c++) {
                sinks.add(new CountingSink());
            }
            router.put(sid, sinks);
            headers[i] = new Headers()
                    .put(ChunkHeaders.SESSION_ID, sid)
                    .put(ChunkHeaders.MESSAGE_ID, Samples.MESSAGE_ID)
                    .put(ChunkHeaders.FIRST_CHUNK_ID, "100")
                    .put(ChunkHeaders.CHUNK_COUNT, Integer.toString(batchSize))
                    .put(ChunkHeaders.ATTEMPT, "1");
        }
        body = Samples.batch(batchSize);
    }

    @Benchmark
    public void routeBatch(Blackhole blackhole) {
        Headers h = headers[ThreadLocalRandom.current().nextInt(sessions)];
        String sid = h.getFirst(ChunkHeaders.SESSION_ID);
        String messageId = h.getFirst(ChunkHeaders.MESSAGE_ID);
        long first = Long.parseLong(h.getFirst(ChunkHeaders.FIRST_CHUNK_ID));
        int attempt = Integer.parseInt(h.getFirst(ChunkHeaders.ATTEMPT));
        List<CountingSink> sinks = router.get(sid);
        if (sinks == null) {
            return;
        }
        Buffer frames = SseFrames.frame(messageId, first, body);
        for (CountingSink sink : sinks) {
            sink.write(frames);
        }
        blackhole.consume(attempt);
    }
}
