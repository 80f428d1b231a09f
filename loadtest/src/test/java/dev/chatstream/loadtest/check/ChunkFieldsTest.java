package dev.chatstream.loadtest.check;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkFieldsTest {
    private static String json(ResponseChunk chunk) {
        return new String(MessageCodec.standard().encode(chunk), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("finds the fields of a chunk the codec encoded, to the nanosecond")
    void readsCodecOutput() {
        Instant at = Instant.parse("2026-11-25T23:01:02.123456789Z");
        String json = json(ResponseChunk.finalChunk("s", "m", 7, new ChunkMetadata("demo", 7, FinishReason.STOP), "c", at));
        assertThat(ChunkFields.isTrue(json, "is_final")).isTrue();
        assertThat(ChunkFields.string(json, "chunk_type")).isEqualTo("metadata");
        assertThat(ChunkFields.number(json, "chunk_id", -1)).isEqualTo(7);
        assertThat(ChunkFields.timestampNanos(json)).isEqualTo(at.getEpochSecond() * 1_000_000_000L + at.getNano());
    }

    @Test
    @DisplayName("is not fooled by a field name quoted inside the chunk text")
    void ignoresNamesInsideText() {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        String json = json(ResponseChunk.content("s", "m", 1, "\"is_final\":true \"timestamp\":\"x\"", "c", at));
        assertThat(ChunkFields.isTrue(json, "is_final")).isFalse();
        assertThat(ChunkFields.timestampNanos(json)).isEqualTo(at.getEpochSecond() * 1_000_000_000L);
    }

    @Test
    @DisplayName("parses timestamps with any number of fraction digits and falls back for offsets")
    void parsesTimestampVariants() {
        assertThat(Timestamps.epochNanos("\"2026-11-25T00:00:01.5Z\"", 1)).isEqualTo(
                Instant.parse("2026-11-25T00:00:01.5Z").getEpochSecond() * 1_000_000_000L + 500_000_000L);
        assertThat(Timestamps.epochNanos("2026-11-25T01:00:00+01:00\"", 0)).isEqualTo(
                Instant.parse("2026-11-25T00:00:00Z").getEpochSecond() * 1_000_000_000L);
        long now = Timestamps.nowEpochNanos();
        Instant wall = Instant.now();
        assertThat(Math.abs(now - (wall.getEpochSecond() * 1_000_000_000L + wall.getNano()))).isLessThan(50_000_000L);
    }
}
