package dev.chatstream.worker.provider;

import dev.chatstream.schemas.ConversationTurn;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
@DisplayName("anthropic provider against a server speaking the Messages streaming format")
class AnthropicProviderTest {
    private static Vertx vertx;
    private static FakeProviderServer server;
    private static HttpClient client;

    private static final String MESSAGE_START = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":"
            + "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-test\","
            + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n";
    private static final String BLOCK_START = "event: content_block_start\ndata: {\"type\":\"content_block_start\","
            + "\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
    private static final String PING = "event: ping\ndata: {\"type\": \"ping\"}\n\n";
    private static final String BLOCK_STOP = "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n";
    private static final String MESSAGE_STOP = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    private static String delta(String text) {
        return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}\n\n";
    }

    private static String messageDelta(String stopReason, int outputTokens) {
        return "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
                + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}\n\n";
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = new FakeProviderServer(vertx);
        client = vertx.createHttpClient();
    }

    @AfterAll
    static void stop() {
        server.close();
        vertx.close();
    }

    private CollectingSink run(Duration timeout, Integer maxTokens) {
        AnthropicProvider provider = new AnthropicProvider(vertx, client, server.base(""), "key-test", "claude-default",
                timeout);
        WorkflowRequest request = new WorkflowRequest("m1", "s1", null, "How are you?",
                new WorkflowContext("anthropic", null, 1.5, maxTokens, "Be brief.",
                        List.of(new ConversationTurn("user", "Hi"), new ConversationTurn("assistant", "Hello!"))),
                Instant.now(), "c1");
        CollectingSink sink = new CollectingSink();
        vertx.runOnContext(v -> provider.stream(request, sink));
        return sink;
    }

    @Test
    @DisplayName("streams text deltas, ignores pings and block events, reports stop reason, usage and model")
    void streamsNormalAnswer() throws Exception {
        server.behaviour = ex -> {
            ex.sse(MESSAGE_START, BLOCK_START, PING, delta("Hel"), delta("lo"), delta(" there"), BLOCK_STOP,
                    messageDelta("end_turn", 3), MESSAGE_STOP);
            ex.request().response().end();
        };
        CollectingSink sink = run(Duration.ofSeconds(5), null);
        Completion completion = sink.completion();
        assertThat(sink.text()).isEqualTo("Hello there");
        assertThat(completion.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(completion.tokensUsed()).isEqualTo(3);
        assertThat(completion.model()).isEqualTo("claude-test");
        assertThat(server.last.request().path()).isEqualTo("/v1/messages");
        assertThat(server.last.request().getHeader("x-api-key")).isEqualTo("key-test");
        assertThat(server.last.request().getHeader("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(server.last.body().getBoolean("stream")).isTrue();
        assertThat(server.last.body().getString("system")).isEqualTo("Be brief.");
        assertThat(server.last.body().getInteger("max_tokens")).isEqualTo(AnthropicProvider.DEFAULT_MAX_TOKENS);
        assertThat(server.last.body().getDouble("temperature")).isEqualTo(1.0);
        assertThat(server.last.body().getJsonArray("messages")).hasSize(3);
    }

    @Test
    @DisplayName("stop_reason max_tokens becomes finish_reason length")
    void maxTokens() throws Exception {
        server.behaviour = ex -> {
            ex.sse(MESSAGE_START, delta("a"), messageDelta("max_tokens", 1), MESSAGE_STOP);
            ex.request().response().end();
        };
        assertThat(run(Duration.ofSeconds(5), 1).completion().finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(server.last.body().getInteger("max_tokens")).isEqualTo(1);
    }

    @Test
    @DisplayName("an overloaded_error event mid-stream ends with provider_error, logged with its type, counted as a provider fault")
    void errorEvent() throws Exception {
        server.behaviour = ex -> {
            ex.sse(MESSAGE_START, delta("partial"), "event: error\ndata: {\"type\":\"error\",\"error\":"
                    + "{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
            ex.request().response().end();
        };
        CollectingSink sink = run(Duration.ofSeconds(5), null);
        ProviderFailure failure = sink.failure();
        assertThat(failure.code()).isEqualTo(ProviderFailure.PROVIDER_ERROR);
        assertThat(failure.detail()).contains("overloaded_error");
        assertThat(failure.providerFault()).isTrue();
        assertThat(sink.tokens).containsExactly("partial");
    }

    @Test
    @DisplayName("an HTTP 429 ends with rate_limited, not counted as a provider fault")
    void http429() throws Exception {
        server.behaviour = ex -> ex.request().response().setStatusCode(429)
                .end("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}");
        ProviderFailure failure = run(Duration.ofSeconds(5), null).failure();
        assertThat(failure.code()).isEqualTo(ProviderFailure.RATE_LIMITED);
        assertThat(failure.detail()).contains("429").contains("rate_limit_error");
        assertThat(failure.providerFault()).isFalse();
    }

    @Test
    @DisplayName("an HTTP 500 ends with provider_error, counted as a provider fault")
    void http500() throws Exception {
        server.behaviour = ex -> ex.request().response().setStatusCode(500).end();
        ProviderFailure failure = run(Duration.ofSeconds(5), null).failure();
        assertThat(failure.code()).isEqualTo(ProviderFailure.PROVIDER_ERROR);
        assertThat(failure.providerFault()).isTrue();
    }

    @Test
    @DisplayName("a malformed event ends with provider_malformed_event")
    void malformed() throws Exception {
        server.behaviour = ex -> ex.sse(MESSAGE_START, "event: content_block_delta\ndata: {\"delta\": nope}\n\n");
        assertThat(run(Duration.ofSeconds(5), null).failure().code()).isEqualTo(ProviderFailure.MALFORMED_EVENT);
    }

    @Test
    @DisplayName("a connection cut mid-stream ends with provider_connection_lost")
    void connectionCut() throws Exception {
        server.behaviour = ex -> {
            ex.sse(MESSAGE_START, delta("one"));
            vertx.setTimer(50, id -> ex.request().connection().close());
        };
        CollectingSink sink = run(Duration.ofSeconds(5), null);
        assertThat(sink.failure().code()).isEqualTo(ProviderFailure.CONNECTION_LOST);
        assertThat(sink.tokens).containsExactly("one");
    }

    @Test
    @DisplayName("a stream closed before message_stop ends with provider_connection_lost")
    void closedEarly() throws Exception {
        server.behaviour = ex -> {
            ex.sse(MESSAGE_START, delta("one"));
            ex.request().response().end();
        };
        assertThat(run(Duration.ofSeconds(5), null).failure().code()).isEqualTo(ProviderFailure.CONNECTION_LOST);
    }

    @Test
    @DisplayName("a server that stalls after message_start ends with provider_timeout")
    void stall() throws Exception {
        server.behaviour = ex -> ex.sse(MESSAGE_START, PING);
        assertThat(run(Duration.ofMillis(300), null).failure().code()).isEqualTo(ProviderFailure.TIMEOUT);
    }
}
