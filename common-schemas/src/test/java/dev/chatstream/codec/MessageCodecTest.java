package dev.chatstream.codec;

import dev.chatstream.schemas.ChunkError;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.ChunkType;
import dev.chatstream.schemas.ConversationTurn;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.HealthResponse;
import dev.chatstream.schemas.HeartbeatMessage;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageCodecTest {
    private static final Instant NOW = Instant.parse("2026-11-25T10:15:30.123456Z");
    private final MessageCodec codec = MessageCodec.standard();

    @Test
    @DisplayName("writes a WorkflowRequest with DESIGN's snake_case fields and reads it back")
    void workflowRequestRoundTrip() {
        WorkflowRequest request = new WorkflowRequest("m1", "s1", "u1", "hello",
                new WorkflowContext("demo", "gpt", 0.7, 16, "be brief", List.of(new ConversationTurn("user", "hi"))),
                NOW, "c1");
        String json = text(codec.encode(request));
        assertThat(json).contains("\"message_id\":\"m1\"", "\"session_id\":\"s1\"", "\"user_id\":\"u1\"",
                "\"message\":\"hello\"", "\"ai_provider\":\"demo\"", "\"max_tokens\":16", "\"system_prompt\":\"be brief\"",
                "\"conversation_history\":[{\"role\":\"user\",\"content\":\"hi\"}]", "\"timestamp\":\"2026-11-25T10:15:30.123456Z\"",
                "\"correlation_id\":\"c1\"", "\"schema_version\":1");
        assertThat(codec.decode(codec.encode(request), WorkflowRequest.class)).isEqualTo(request);
    }

    @Test
    @DisplayName("writes a ResponseChunk on one line with its type and finish reason in lower case")
    void responseChunkRoundTrip() {
        ResponseChunk chunk = ResponseChunk.finalChunk("s1", "m1", 64, new ChunkMetadata("demo", 64, FinishReason.STOP), "c1", NOW);
        String json = text(codec.encode(chunk));
        assertThat(json).doesNotContain("\n").contains("\"chunk_type\":\"metadata\"", "\"is_final\":true",
                "\"finish_reason\":\"stop\"", "\"tokens_used\":64", "\"chunk_id\":64");
        assertThat(codec.decode(json.getBytes(StandardCharsets.UTF_8), ResponseChunk.class)).isEqualTo(chunk);

        ResponseChunk text = ResponseChunk.content("s1", "m1", 0, "line one\nline two", "c1", NOW);
        assertThat(text(codec.encode(text))).doesNotContain("\n").contains("line one\\nline two");
    }

    @Test
    @DisplayName("writes emoji in any message as UTF-8, not as escaped surrogates, and reads them back")
    void emojiAsUtf8() {
        WorkflowRequest request = new WorkflowRequest("m1", "s1", "u1", "hi \uD83D\uDE00 \uD800",
                new WorkflowContext("demo", "gpt", 0.7, 16, null, List.of()), NOW, "c1");
        String json = text(codec.encode(request));
        assertThat(json).contains("\"message\":\"hi \uD83D\uDE00 \\uD800\"").doesNotContain("\\uD83D");
        assertThat(codec.decode(codec.encode(request), WorkflowRequest.class)).isEqualTo(request);
    }

    @Test
    @DisplayName("round-trips heartbeats and health responses")
    void heartbeatAndHealth() {
        HeartbeatMessage heartbeat = new HeartbeatMessage("pod-1", NOW, 3, 120.5, 12.25);
        assertThat(text(codec.encode(heartbeat))).contains("\"pod_id\":\"pod-1\"", "\"active_connections\":3",
                "\"memory_usage_mb\":120.5", "\"cpu_usage_percent\":12.25");
        assertThat(codec.decode(codec.encode(heartbeat), HeartbeatMessage.class)).isEqualTo(heartbeat);
        HealthResponse health = new HealthResponse("pod-1", HealthResponse.STATUS_OK, 3, NOW);
        assertThat(codec.decode(codec.encode(health), HealthResponse.class)).isEqualTo(health);
    }

    @Test
    @DisplayName("ignores unknown fields so newer writers do not break older readers")
    void ignoresUnknownFields() {
        String json = "{\"pod_id\":\"p\",\"status\":\"ok\",\"active_connections\":1,\"timestamp\":\"2026-11-25T10:00:00Z\","
                + "\"region\":\"eu\",\"extra\":{\"nested\":[1,2]}}";
        assertThat(decode(json, HealthResponse.class).podId()).isEqualTo("p");
    }

    @Test
    @DisplayName("names a missing required field")
    void missingField() {
        String json = "{\"session_id\":\"s1\",\"message\":\"x\",\"context\":{\"ai_provider\":\"demo\"},"
                + "\"timestamp\":\"2026-11-25T10:00:00Z\",\"correlation_id\":\"c\"}";
        assertThatThrownBy(() -> decode(json, WorkflowRequest.class))
                .isInstanceOf(MessageCodecException.class)
                .satisfies(e -> assertThat(((MessageCodecException) e).field()).isEqualTo("message_id"));
    }

    @Test
    @DisplayName("names a missing nested field with its path")
    void missingNestedField() {
        String json = "{\"message_id\":\"m\",\"session_id\":\"s1\",\"message\":\"x\",\"context\":{\"model\":\"m\"},"
                + "\"timestamp\":\"2026-11-25T10:00:00Z\",\"correlation_id\":\"c\"}";
        assertThatThrownBy(() -> decode(json, WorkflowRequest.class))
                .satisfies(e -> assertThat(((MessageCodecException) e).field()).isEqualTo("context.ai_provider"));
    }

    @Test
    @DisplayName("names a field of the wrong type instead of coercing it")
    void wrongTypes() {
        String base = "{\"message_id\":\"m\",\"session_id\":\"s1\",\"message\":%s,\"context\":{\"ai_provider\":\"demo\",\"max_tokens\":%s},"
                + "\"timestamp\":\"2026-11-25T10:00:00Z\",\"correlation_id\":\"c\"}";
        assertThatThrownBy(() -> decode(base.formatted("42", "1"), WorkflowRequest.class))
                .satisfies(e -> assertThat(((MessageCodecException) e).field()).isEqualTo("message"));
        assertThatThrownBy(() -> decode(base.formatted("\"x\"", "\"8\""), WorkflowRequest.class))
                .satisfies(e -> assertThat(((MessageCodecException) e).field()).isEqualTo("context.max_tokens"));
        assertThatThrownBy(() -> decode(base.formatted("\"x\"", "1.5"), WorkflowRequest.class))
                .satisfies(e -> assertThat(((MessageCodecException) e).field()).isEqualTo("context.max_tokens"));
        String chunk = "{\"session_id\":\"s\",\"message_id\":\"m\",\"chunk_id\":0,\"chunk\":\"a\",\"chunk_type\":\"content\","
                + "\"is_final\":1,\"timestamp\":\"2026-11-25T10:00:00Z\"}";
        assertThatThrownBy(() -> decode(chunk, ResponseChunk.class))
                .satisfies(e -> assertThat(((MessageCodecException) e).field()).isEqualTo("is_final"));
    }

    @Test
    @DisplayName("refuses values out of range and unknown enum values, naming the field")
    void ranges() {
        String chunk = "{\"session_id\":\"s\",\"message_id\":\"m\",\"chunk_id\":-1,\"chunk\":\"a\",\"chunk_type\":\"content\","
                + "\"is_final\":false,\"timestamp\":\"2026-11-25T10:00:00Z\"}";
        assertThatThrownBy(() -> decode(chunk, ResponseChunk.class))
                .satisfies(e -> assertThat(((MessageCodecException) e).field()).isEqualTo("chunk_id"));
        String badType = chunk.replace("-1", "0").replace("\"content\"", "\"poetry\"");
        assertThatThrownBy(() -> decode(badType, ResponseChunk.class))
                .satisfies(e -> assertThat(((MessageCodecException) e).field()).isEqualTo("chunk_type"));
        String badTime = chunk.replace("-1", "0").replace("2026-11-25T10:00:00Z", "yesterday");
        assertThatThrownBy(() -> decode(badTime, ResponseChunk.class))
                .satisfies(e -> assertThat(((MessageCodecException) e).field()).isEqualTo("timestamp"));
    }

    @Test
    @DisplayName("refuses an error chunk without its error")
    void errorChunkNeedsError() {
        String chunk = "{\"session_id\":\"s\",\"message_id\":\"m\",\"chunk_id\":3,\"chunk\":\"\",\"chunk_type\":\"error\","
                + "\"is_final\":true,\"timestamp\":\"2026-11-25T10:00:00Z\"}";
        assertThatThrownBy(() -> decode(chunk, ResponseChunk.class))
                .satisfies(e -> assertThat(((MessageCodecException) e).field()).isEqualTo("error"));
        ResponseChunk ok = ResponseChunk.failure("s", "m", 3, new ChunkError("provider_timeout", "no answer in 30s"), "x", "c", NOW);
        assertThat(codec.decode(codec.encode(ok), ResponseChunk.class).error().code()).isEqualTo("provider_timeout");
        assertThat(ok.chunkType()).isEqualTo(ChunkType.ERROR);
    }

    @Test
    @DisplayName("refuses malformed JSON, JSON null, arrays, trailing garbage and empty input")
    void malformed() {
        for (String bad : List.of("{", "{\"pod_id\":", "null", "[]", "\"x\"", "{} {}", "")) {
            assertThatThrownBy(() -> decode(bad, HealthResponse.class)).as(bad).isInstanceOf(MessageCodecException.class);
        }
    }

    @Test
    @DisplayName("refuses messages over the size limit before parsing them")
    void sizeLimit() {
        MessageCodec small = new MessageCodec(100);
        byte[] big = ("{\"pod_id\":\"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> small.decode(big, HealthResponse.class))
                .isInstanceOf(MessageCodecException.class)
                .hasMessageContaining("over the limit of 100");
        assertThatThrownBy(() -> small.encode(new HealthResponse("x".repeat(200), "ok", 0, NOW)))
                .hasMessageContaining("over the limit of 100");
    }

    @Test
    @DisplayName("refuses session and message ids that are not subject tokens in a WorkflowRequest")
    void tokensInRequests() {
        String json = "{\"message_id\":\"m\",\"session_id\":\"a.b\",\"message\":\"x\",\"context\":{\"ai_provider\":\"demo\"},"
                + "\"timestamp\":\"2026-11-25T10:00:00Z\",\"correlation_id\":\"c\"}";
        assertThatThrownBy(() -> decode(json, WorkflowRequest.class))
                .satisfies(e -> assertThat(((MessageCodecException) e).field()).isEqualTo("session_id"));
    }

    private <T> T decode(String json, Class<T> type) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8), type);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
