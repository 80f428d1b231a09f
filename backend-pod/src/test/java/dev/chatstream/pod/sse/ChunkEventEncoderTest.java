package dev.chatstream.pod.sse;

import dev.chatstream.pod.routing.Batch;
import dev.chatstream.pod.routing.EncodedBatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkEventEncoderTest {

    private static Batch batch() {
        return new Batch("s", "m", 7, 1, 0, "{\"a\":1}\n{\"a\":2}".getBytes(StandardCharsets.UTF_8), false);
    }

    @Test
    @DisplayName("frames each chunk of a batch as one SSE event with id <message_id>:<chunk_id>")
    void framesEvents() {
        EncodedBatch events = batch().encodedWith(ChunkEventEncoder.INSTANCE);
        assertThat(events.from(0).toString()).isEqualTo(
                "event: chunk\nid: m:7\ndata: {\"a\":1}\n\nevent: chunk\nid: m:8\ndata: {\"a\":2}\n\n");
        assertThat(events.from(1).toString()).isEqualTo("event: chunk\nid: m:8\ndata: {\"a\":2}\n\n");
    }

    @Test
    @DisplayName("a batch is encoded once and the same bytes serve every connection")
    void encodesOnce() {
        Batch batch = batch();
        assertThat(batch.encodedWith(ChunkEventEncoder.INSTANCE)).isSameAs(batch.encodedWith(ChunkEventEncoder.INSTANCE));
        assertThat(batch.count()).isEqualTo(2);
    }
}
