package dev.chatstream.loadtest.bench;

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

import java.util.concurrent.TimeUnit;

/** Framing a chunk batch (1..32 chunks) as SSE events, once per batch and pod. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SseFramingBenchmark {
    @Param({"1", "8", "32"})
    public int batchSize;

    private byte[] body;

    @Setup
    public void setUp() {
        body = Samples.batch(batchSize);
    }

    @Benchmark
    public Buffer frameBatch() {
        return SseFrames.frame(Samples.MESSAGE_ID, 100, body);
    }
}
