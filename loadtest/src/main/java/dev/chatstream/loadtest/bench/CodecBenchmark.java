package dev.chatstream.loadtest.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.chatstream.codec.MessageCodec;
import dev.chatstream.loadtest.check.ChunkFields;
import dev.chatstream.schemas.ResponseChunk;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** ResponseChunk JSON through {@link MessageCodec} (what a worker and a history replay pay per chunk). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CodecBenchmark {
    private final MessageCodec codec = MessageCodec.standard();
    private ResponseChunk chunk;
    private ResponseChunk nonAsciiChunk;
    private byte[] encoded;
    private String text;

    @Setup
    public void setUp() {
        chunk = Samples.chunk(42);
        nonAsciiChunk = Samples.nonAsciiChunk(42);
        encoded = codec.encode(chunk);
        text = new String(encoded, StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] encodeChunk() {
        return codec.encode(chunk);
    }

    /** A token with an accent, a quote, a newline and an emoji: the escaping path instead of the bulk copy. */
    @Benchmark
    public byte[] encodeNonAsciiChunk() {
        return codec.encode(nonAsciiChunk);
    }

    /** What {@link #encodeChunk} cost before chunks had their own writer: the codec's Jackson mapper. */
    @Benchmark
    public byte[] encodeChunkWithJackson() throws JsonProcessingException {
        return codec.mapper().writeValueAsBytes(chunk);
    }

    @Benchmark
    public ResponseChunk decodeChunk() {
        return codec.decode(encoded, ResponseChunk.class);
    }

    /** The load generator's own per-event cost: scanning the fields it needs instead of decoding. */
    @Benchmark
    public long scanChunkFieldsClientSide() {
        return ChunkFields.timestampNanos(text) + (ChunkFields.isTrue(text, "is_final") ? 1 : 0);
    }
}
