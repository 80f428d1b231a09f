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
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
@DisplayName("openai provider against a server speaking the chat-completions stream format")
class OpenAiProviderTest {
    private static Vertx vertx;
    private static FakeProviderServer server;
    private static HttpClient client;

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

    private static String delta(String content) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-test\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static final String ROLE = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-test\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n";
    private static final String STOP = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-test\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";

    private CollectingSink run(Duration timeout) {
        OpenAiProvider provider = new OpenAiProvider(vertx, client, server.base("/v1"), Optional.of("sk-test"),
                "gpt-default", timeout);
        WorkflowRequest request = new WorkflowRequest("m1", "s1", null, "How are you?",
                new WorkflowContext("openai", null, 0.5, 50, "Be brief.",
                        List.of(new ConversationTurn("user", "Hi"), new ConversationTurn("assistant", "Hello!"))),
                Instant.now(), "c1");
        CollectingSink sink = new CollectingSink();
        vertx.runOnContext(v -> provider.stream(request, sink));
        return sink;
    }

    @Test
    @DisplayName("streams the deltas, sends model, messages, temperature, max_tokens and the bearer key")
    void streamsNormalAnswer() throws Exception {
        server.behaviour = ex -> {
            ex.sse(ROLE, delta("Hel"), delta("lo"), ": keep-alive comment\n\n", delta(" wörld"), STOP, "data: [DONE]\n\n");
            ex.request().response().end();
        };
        CollectingSink sink = run(Duration.ofSeconds(5));

        Completion completion = sink.completion();
        assertThat(sink.text()).isEqualTo("Hello wörld");
        assertThat(completion.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(completion.model()).isEqualTo("gpt-test");
        assertThat(server.last.request().path()).isEqualTo("/v1/chat/completions");
        assertThat(server.last.request().getHeader("authorization")).isEqualTo("Bearer sk-test");
        assertThat(server.last.body().getBoolean("stream")).isTrue();
        assertThat(server.last.body().getString("model")).isEqualTo("gpt-default");
        assertThat(server.last.body().getInteger("max_tokens")).isEqualTo(50);
        assertThat(server.last.body().getDouble("temperature")).isEqualTo(0.5);
        assertThat(server.last.body().getJsonArray("messages").stream().map(m -> ((io.vertx.core.json.JsonObject) m)
                .getString("role")).toList()).containsExactly("system", "user", "assistant", "user");
        assertThat(sink.ends).hasValue(1);
    }

    @Test
    @DisplayName("reports finish_reason length when the model ran out of tokens")
    void reportsLength() throws Exception {
        server.behaviour = ex -> {
            ex.sse(delta("a"), STOP.replace("\"stop\"", "\"length\""), "data: [DONE]\n\n");
            ex.request().response().end();
        };
        assertThat(run(Duration.ofSeconds(5)).completion().finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    @DisplayName("an HTTP 401 ends with provider_error: the body goes to the detail, not to the public message")
    void http4xx() throws Exception {
        server.behaviour = ex -> ex.request().response().setStatusCode(401)
                .putHeader("content-type", "application/json")
                .end("{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}}");
        ProviderFailure failure = run(Duration.ofSeconds(5)).failure();
        assertThat(failure.code()).isEqualTo(ProviderFailure.PROVIDER_ERROR);
        assertThat(failure.detail()).contains("401").contains("Incorrect API key");
        assertThat(failure.publicMessage()).doesNotContain("Incorrect API key").doesNotContain("401");
        assertThat(failure.providerFault()).isFalse();
    }

    @Test
    @DisplayName("an HTTP 503 ends with provider_error, counted as a provider fault")
    void http5xx() throws Exception {
        server.behaviour = ex -> ex.request().response().setStatusCode(503).end("overloaded");
        ProviderFailure failure = run(Duration.ofSeconds(5)).failure();
        assertThat(failure.code()).isEqualTo(ProviderFailure.PROVIDER_ERROR);
        assertThat(failure.detail()).contains("503");
        assertThat(failure.providerFault()).isTrue();
    }

    @Test
    @DisplayName("a malformed event ends with provider_malformed_event after the tokens before it")
    void malformed() throws Exception {
        server.behaviour = ex -> ex.sse(delta("ok"), "data: {\"choices\": [ {broken\n\n");
        CollectingSink sink = run(Duration.ofSeconds(5));
        assertThat(sink.failure().code()).isEqualTo(ProviderFailure.MALFORMED_EVENT);
        assertThat(sink.tokens).containsExactly("ok");
    }

    @Test
    @DisplayName("a connection cut mid-stream ends with provider_connection_lost")
    void connectionCut() throws Exception {
        server.behaviour = ex -> {
            ex.sse(delta("one"), delta("two"));
            vertx.setTimer(50, id -> ex.request().connection().close());
        };
        CollectingSink sink = run(Duration.ofSeconds(5));
        assertThat(sink.failure().code()).isEqualTo(ProviderFailure.CONNECTION_LOST);
        assertThat(sink.tokens).containsExactly("one", "two");
    }

    @Test
    @DisplayName("a stream that ends without [DONE] or a finish_reason ends with provider_connection_lost")
    void endWithoutDone() throws Exception {
        server.behaviour = ex -> {
            ex.sse(delta("one"));
            ex.request().response().end();
        };
        assertThat(run(Duration.ofSeconds(5)).failure().code()).isEqualTo(ProviderFailure.CONNECTION_LOST);
    }

    @Test
    @DisplayName("a server that stalls ends with provider_timeout after PROVIDER_TIMEOUT")
    void stall() throws Exception {
        server.behaviour = ex -> ex.sse(delta("first"));
        long start = System.nanoTime();
        CollectingSink sink = run(Duration.ofMillis(300));
        assertThat(sink.failure().code()).isEqualTo(ProviderFailure.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(sink.tokens).containsExactly("first");
    }

    @Test
    @DisplayName("a server that never answers the request ends with provider_timeout")
    void noResponse() throws Exception {
        server.behaviour = ex -> { };
        assertThat(run(Duration.ofMillis(300)).failure().code()).isEqualTo(ProviderFailure.TIMEOUT);
    }

    @Test
    @DisplayName("nothing listening ends with provider_connection_lost")
    void refused() throws Exception {
        OpenAiProvider provider = new OpenAiProvider(vertx, client,
                java.net.URI.create("http://127.0.0.1:" + dev.chatstream.testkit.FreePorts.next()), Optional.empty(),
                "m", Duration.ofSeconds(2));
        CollectingSink sink = new CollectingSink();
        vertx.runOnContext(v -> provider.stream(new WorkflowRequest("m1", "s1", null, "x",
                WorkflowContext.of("openai"), Instant.now(), "c"), sink));
        assertThat(sink.failure().code()).isEqualTo(ProviderFailure.CONNECTION_LOST);
    }
}
