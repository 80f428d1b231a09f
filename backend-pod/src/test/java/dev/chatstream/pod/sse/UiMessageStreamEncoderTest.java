package dev.chatstream.pod.sse;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.pod.routing.Batch;
import dev.chatstream.schemas.ChunkError;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.wire.ChunkBatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UiMessageStreamEncoderTest {
    private static final MessageCodec CODEC = MessageCodec.standard();
    private static final Instant NOW = Instant.parse("2026-12-04T14:00:00Z");

    private static Batch batch(String messageId, ResponseChunk... chunks) {
        byte[] body = ChunkBatch.join(java.util.Arrays.stream(chunks).map(CODEC::encode).toList());
        return new Batch("s", messageId, chunks[0].chunkId(), 1, 0, body, chunks[chunks.length - 1].isFinal());
    }

    private static String encode(String forMessage, Batch batch) {
        return new UiMessageStreamEncoder(forMessage).encode(batch).from(0).toString();
    }

    @Test
    @DisplayName("a whole answer is start, start-step, text-start, one text-delta per content chunk, text-end, finish-step, finish, [DONE]")
    void wholeAnswer() {
        String wire = encode("m", batch("m",
                ResponseChunk.content("s", "m", 0, "Hel", null, NOW),
                ResponseChunk.content("s", "m", 1, "lo", null, NOW),
                ResponseChunk.finalChunk("s", "m", 2, new ChunkMetadata("demo", 2, FinishReason.STOP), null, NOW)));

        assertThat(wire).isEqualTo("""
                id: m:0
                data: {"type":"start","messageId":"m"}

                id: m:0
                data: {"type":"start-step"}

                id: m:0
                data: {"type":"text-start","id":"text-0"}

                id: m:0
                data: {"type":"text-delta","id":"text-0","delta":"Hel"}

                id: m:1
                data: {"type":"text-delta","id":"text-0","delta":"lo"}

                id: m:2
                data: {"type":"text-end","id":"text-0"}

                id: m:2
                data: {"type":"finish-step"}

                id: m:2
                data: {"type":"finish"}

                data: [DONE]

                """);
        assertThat(UiMessageStreamEncoder.endsStream(io.vertx.core.buffer.Buffer.buffer(wire))).isTrue();
    }

    @Test
    @DisplayName("a cancelled answer ends with abort, a failed one with error{errorText}")
    void cancelledAndFailed() {
        String cancelled = encode("m", batch("m", ResponseChunk.finalChunk("s", "m", 5,
                new ChunkMetadata("demo", 5, FinishReason.CANCELLED), null, NOW)));
        String failed = encode("m", batch("m", ResponseChunk.failure("s", "m", 5,
                new ChunkError("provider_error", "the provider failed"), "demo", null, NOW)));

        assertThat(cancelled).contains("{\"type\":\"abort\"}").doesNotContain("finish").endsWith("data: [DONE]\n\n");
        assertThat(failed).contains("{\"type\":\"error\",\"errorText\":\"the provider failed\"}")
                .doesNotContain("finish").endsWith("data: [DONE]\n\n");
    }

    @Test
    @DisplayName("chunks of another message of the session, and system notices, encode to nothing")
    void otherMessagesAndSystemChunks() {
        Batch other = batch("other", ResponseChunk.content("s", "other", 0, "x", null, NOW));
        Batch restart = batch("m", ResponseChunk.system("s", "m", 7, ResponseChunk.SYSTEM_RESTART, null, NOW));

        assertThat(encode("m", other)).isEmpty();
        assertThat(encode("m", restart)).isEmpty();
    }

    @Test
    @DisplayName("a connection that already has the first chunks of a batch gets only the events of the rest")
    void fromAnIndex() {
        Batch batch = batch("m", ResponseChunk.content("s", "m", 3, "a", null, NOW),
                ResponseChunk.content("s", "m", 4, "b", null, NOW));

        String rest = new UiMessageStreamEncoder("m").encode(batch).from(1).toString();

        assertThat(rest).isEqualTo("id: m:4\ndata: {\"type\":\"text-delta\",\"id\":\"text-0\",\"delta\":\"b\"}\n\n");
        assertThat(List.of(rest.split("\n\n"))).hasSize(1);
    }
}
