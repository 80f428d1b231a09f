package dev.chatstream.loadtest.check;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ChunkError;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkScanTest {
    private static final Instant AT = Instant.parse("2026-11-25T23:01:02.123456789Z");
    private static final long AT_NANOS = AT.getEpochSecond() * 1_000_000_000L + AT.getNano();

    private final ChunkScan scan = new ChunkScan();

    private static byte[] json(ResponseChunk chunk) {
        return MessageCodec.standard().encode(chunk);
    }

    private ChunkScan scan(byte[] json) {
        // Stale bytes after the end must not be read: the scanner reuses one array for every event.
        byte[] reused = Arrays.copyOf(json, json.length + 64);
        Arrays.fill(reused, json.length, reused.length, (byte) 'Z');
        scan.scan(reused, json.length);
        return scan;
    }

    @Test
    @DisplayName("reads is_final, the timestamp to the nanosecond and the chunk type of codec output")
    void readsCodecOutput() {
        scan(json(ResponseChunk.finalChunk("s", "m", 7, new ChunkMetadata("demo", 7, FinishReason.STOP), "c", AT)));
        assertThat(scan.isFinal()).isTrue();
        assertThat(scan.timestampNanos()).isEqualTo(AT_NANOS);
        assertThat(scan.type()).isEqualTo(ChunkScan.TYPE_OTHER);

        scan(json(ResponseChunk.content("s", "m", 1, "token ", "c", AT)));
        assertThat(scan.isFinal()).isFalse();
        assertThat(scan.type()).isEqualTo(ChunkScan.TYPE_OTHER);

        scan(json(ResponseChunk.failure("s", "m", 2, new ChunkError("provider_failed", "x"), "demo", "c", AT)));
        assertThat(scan.isFinal()).isTrue();
        assertThat(scan.type()).isEqualTo(ChunkScan.TYPE_ERROR);

        scan(json(ResponseChunk.system("s", "m", 3, ResponseChunk.SYSTEM_RESTART, "c", AT)));
        assertThat(scan.type()).isEqualTo(ChunkScan.TYPE_SYSTEM);
    }

    @Test
    @DisplayName("is not fooled by field names, values and escaped quotes inside the chunk text")
    void ignoresNamesInsideText() {
        String text = "\"is_final\":true \"timestamp\":\"2020-01-01T00:00:00Z\" \"chunk_type\":\"error\" \\\" caf\u00e9 \uD83D\uDE00";
        for (long id : List.of(0L, 5L)) {
            scan(json(ResponseChunk.content("s", "m", id, text, "c", AT)));
            assertThat(scan.isFinal()).isFalse();
            assertThat(scan.timestampNanos()).isEqualTo(AT_NANOS);
            assertThat(scan.type()).isEqualTo(ChunkScan.TYPE_OTHER);
        }
    }

    @Test
    @DisplayName("agrees with the String scan of ChunkFields on every kind of chunk")
    void agreesWithChunkFields() {
        List<ResponseChunk> chunks = List.of(
                ResponseChunk.content("s", "m", 1, "caf\u00e9 \"is_final\":true\n\uD83D\uDE00", "c", AT),
                ResponseChunk.content("s", "m", 2, "", null, Instant.parse("2026-01-01T00:00:00Z")),
                ResponseChunk.finalChunk("s", "m", 3, new ChunkMetadata("demo", 3, FinishReason.STOP), "c", AT),
                ResponseChunk.failure("s", "m", 4, new ChunkError("e", "m"), "demo", "c", AT),
                ResponseChunk.system("s", "m", 5, ResponseChunk.SYSTEM_RESTART, "c", AT));
        for (ResponseChunk chunk : chunks) {
            byte[] bytes = json(chunk);
            String text = new String(bytes, StandardCharsets.UTF_8);
            scan(bytes);
            assertThat(scan.isFinal()).as(text).isEqualTo(ChunkFields.isTrue(text, "is_final"));
            assertThat(scan.timestampNanos()).as(text).isEqualTo(ChunkFields.timestampNanos(text));
            String type = ChunkFields.string(text, "chunk_type");
            int expected = "error".equals(type) ? ChunkScan.TYPE_ERROR : "system".equals(type) ? ChunkScan.TYPE_SYSTEM : ChunkScan.TYPE_OTHER;
            assertThat(scan.type()).as(text).isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("reports a missing, truncated or offset timestamp like the String scan, without throwing")
    void handlesOddTimestamps() {
        for (String json : List.of("{\"is_final\":true}", "{\"timestamp\":\"2026-11-25T00:0", "{\"timestamp\":12}",
                "{\"timestamp\":\"2026-11-25T01:00:00+01:00\"}", "{\"timestamp\":\"2026-11-25T00:00:01.5Z\"}",
                "{\"timestamp\":\"not a time at all, no\"}", "{\"timestamp\":\"2026-13-45T00:00:00Z\"}", "{\"timestamp\":")) {
            scan(json.getBytes(StandardCharsets.UTF_8));
            long expected;
            try {
                expected = ChunkFields.timestampNanos(json);
            } catch (RuntimeException e) {
                expected = Long.MIN_VALUE; // the String scan threw here; the byte scan reports "no timestamp"
            }
            assertThat(scan.timestampNanos()).as(json).isEqualTo(expected);
        }
        scan("{\"timestamp\":\"2026-11-25T01:00:00+01:00\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(scan.timestampNanos()).isEqualTo(Instant.parse("2026-11-25T00:00:00Z").getEpochSecond() * 1_000_000_000L);
    }
}
