package dev.chatstream.pod.http;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.WithPod;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.MessageGetRequest;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.NatsMessage;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
@WithPod(env = {"MAX_MESSAGE_BYTES", "1024", "DEFAULT_AI_PROVIDER", "demo"})
class MessageIntakeTest {
    private static PodFixture fixture;
    private static final MessageCodec CODEC = MessageCodec.standard();

    private static String sid() {
        return "s-" + UUID.randomUUID();
    }

    /** Every stored request of {@code sessionId} in WORKFLOW_REQUESTS (a work queue: read by sequence, not consumed). */
    private static java.util.List<Message> stored(String sessionId) throws Exception {
        JetStreamManagement jsm = fixture.client.jetStreamManagement();
        String subject = Subjects.workflowExecute(sessionId);
        java.util.List<Message> messages = new java.util.ArrayList<>();
        long sequence = 1;
        while (true) {
            MessageInfo info;
            try {
                info = jsm.getMessage(StreamDefinitions.WORKFLOW_REQUESTS, MessageGetRequest.nextForSubject(sequence, subject));
            } catch (io.nats.client.JetStreamApiException e) {
                return messages;
            }
            messages.add(NatsMessage.builder().subject(subject).headers(info.getHeaders()).data(info.getData()).build());
            sequence = info.getSeq() + 1;
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonObject error = new JsonObject(response.body()).getJsonObject("error");
        assertThat(error).as(response.body()).isNotNull();
        assertThat(error.getString("message")).isNotBlank();
        if (code != null) {
            assertThat(error.getString("code")).isEqualTo(code);
        }
    }

    @Test
    @DisplayName("a valid POST is stored in JetStream with Nats-Msg-Id = message_id and answered 202")
    void acceptsAMessage() throws Exception {
        String sid = sid();
        HttpResponse<String> response = fixture.post("/api/sessions/" + sid + "/messages",
                "{\"message\":\"hello\",\"context\":{\"max_tokens\":5},\"extra\":1}",
                "X-Correlation-Id", "corr-1");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonObject body = new JsonObject(response.body());
        String messageId = body.getString("message_id");
        assertThat(body.getString("correlation_id")).isEqualTo("corr-1");

        java.util.List<Message> stored = stored(sid);
        assertThat(stored).hasSize(1);
        Message message = stored.get(0);
        assertThat(message.getHeaders().getFirst(ChunkHeaders.NATS_MSG_ID)).isEqualTo(messageId);
        WorkflowRequest request = CODEC.decode(message.getData(), WorkflowRequest.class);
        assertThat(request.messageId()).isEqualTo(messageId);
        assertThat(request.sessionId()).isEqualTo(sid);
        assertThat(request.message()).isEqualTo("hello");
        assertThat(request.userId()).isNull();
        assertThat(request.correlationId()).isEqualTo("corr-1");
        assertThat(request.context().aiProvider()).isEqualTo("demo");
        assertThat(request.context().maxTokens()).isEqualTo(5);
        assertThat(message.getHeaders().getFirst(ChunkHeaders.TRACEPARENT)).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    }

    @Test
    @DisplayName("the caller's traceparent continues into the NATS headers of the request")
    void propagatesTraceContext() throws Exception {
        String sid = sid();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> response = fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"hi\"}",
                "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(stored(sid).get(0).getHeaders().getFirst(ChunkHeaders.TRACEPARENT)).contains(traceId);
    }

    @Test
    @DisplayName("the same Idempotency-Key twice gives the same message_id and one stored request")
    void idempotencyKeyDeduplicates() throws Exception {
        String sid = sid();
        String key = "key-" + UUID.randomUUID();
        HttpResponse<String> first = fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"once\"}",
                "Idempotency-Key", key);
        HttpResponse<String> second = fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"once\"}",
                "Idempotency-Key", key);
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(first.body()).getString("message_id")).isEqualTo(key);
        assertThat(new JsonObject(second.body()).getString("message_id")).isEqualTo(key);
        assertThat(stored(sid)).hasSize(1);
    }

    @Test
    @DisplayName("an Idempotency-Key that is not a token is refused with 400")
    void refusesBadIdempotencyKey() throws Exception {
        assertError(fixture.post("/api/sessions/" + sid() + "/messages", "{\"message\":\"x\"}",
                "Idempotency-Key", "a.b"), 400, "invalid_idempotency_key");
    }

    @ParameterizedTest(name = "session id path segment [{0}]")
    @ValueSource(strings = {".", "%2E", "*", "%3E", "%20", "a%20b", "", "a.b",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "%C3%A9t%C3%A9", "a%01b", "a%2Eb", "a%2Fb"})
    @DisplayName("an invalid session id is refused with a JSON 400 on both the POST and the stream route")
    void refusesInvalidSessionIds(String segment) throws Exception {
        assertError(fixture.post("/api/sessions/" + segment + "/messages", "{\"message\":\"x\"}"), 400, null);
        assertError(fixture.get("/api/sessions/" + segment + "/stream"), 400, null);
        assertError(fixture.post("/api/sessions/" + segment + "/messages/m1/cancel", ""), 400, null);
        assertThat(fixture.get("/livez").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "body [{0}]")
    @ValueSource(strings = {"", "{", "not json", "[]", "\"text\"", "42", "null", "{}", "{\"message\":42}",
            "{\"message\":null}", "{\"message\":\"\"}", "{\"message\":[\"a\"]}", "{\"message\":\"x\",\"context\":5}",
            "{\"message\":\"x\",\"context\":{\"max_tokens\":\"many\"}}", "{\"message\":\"x\",\"context\":{\"temperature\":9}}",
            "{\"message\":\"x\"} trailing"})
    @DisplayName("a malformed body is refused with a JSON 400 and the pod keeps serving")
    void refusesMalformedBodies(String body) throws Exception {
        assertError(fixture.post("/api/sessions/" + sid() + "/messages", body), 400, null);
        assertThat(fixture.post("/api/sessions/" + sid() + "/messages", "{\"message\":\"still ok\"}").statusCode())
                .isEqualTo(202);
    }

    @Test
    @DisplayName("a body over MAX_MESSAGE_BYTES is refused with a JSON 413")
    void refusesOversizeBodies() throws Exception {
        String big = "{\"message\":\"" + "x".repeat(2000) + "\"}";
        assertError(fixture.post("/api/sessions/" + sid() + "/messages", big), 413, "payload_too_large");
        String huge = "{\"message\":\"" + "x".repeat(2_000_000) + "\"}";
        assertError(fixture.post("/api/sessions/" + sid() + "/messages", huge), 413, "payload_too_large");
        assertThat(fixture.post("/api/sessions/" + sid() + "/messages", "{\"message\":\"small\"}").statusCode())
                .isEqualTo(202);
    }

    @Test
    @DisplayName("unknown routes and wrong methods answer JSON 404 and 405")
    void routerErrorsAreJson() throws Exception {
        assertError(fixture.get("/api/nothing-here"), 404, "not_found");
        // GET /api/sessions/{sid}/messages is the conversation (TurnsTest); a GET on a cancel is not a route.
        assertError(fixture.get("/api/sessions/abc/messages/m1/cancel"), 405, "method_not_allowed");
    }
}
