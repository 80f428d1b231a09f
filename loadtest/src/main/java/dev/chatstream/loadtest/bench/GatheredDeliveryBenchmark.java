package dev.chatstream.loadtest.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The pod's hand-over of one pod frame's {@value #BATCHES} batches (for {@value #BATCHES} connections on one
 * event loop) from the NATS thread: one event-loop task per batch, as a message per batch costs, against one
 * task for the whole frame ({@code routing.DeliveryRound}). The writes are a stand-in (bytes counted); what
 * differs is the cross-thread task per batch. Per batch, including the wait for the event loop to run it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class GatheredDeliveryBenchmark {
    static final int BATCHES = 16;

    private Vertx vertx;
    private Context loop;
    private final Buffer[] frames = new Buffer[BATCHES];
    private long written;

    @Setup(Level.Trial)
    public void setUp() {
        vertx = Vertx.vertx();
        loop = vertx.getOrCreateContext();
        for (int i = 0; i < BATCHES; i++) {
            frames[i] = Buffer.buffer(Samples.batch(1));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        vertx.close().await();
    }

    private void write(Buffer frame) {
        written += frame.length();
    }

    @Benchmark
    @OperationsPerInvocation(BATCHES)
    public long taskPerBatch() throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        for (int i = 0; i < BATCHES; i++) {
            Buffer frame = frames[i];
            boolean last = i == BATCHES - 1;
            loop.runOnContext(v -> {
                write(frame);
                if (last) {
                    done.complete(written);
                }
            });
        }
        return done.get();
    }

    @Benchmark
    @OperationsPerInvocation(BATCHES)
    public long taskPerFrame() throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        loop.runOnContext(v -> {
            for (Buffer frame : frames) {
                write(frame);
            }
            done.complete(written);
        });
        return done.get();
    }
}
