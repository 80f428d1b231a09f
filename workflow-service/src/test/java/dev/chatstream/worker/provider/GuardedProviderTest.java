package dev.chatstream.worker.provider;

import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.testkit.FreePorts;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
@DisplayName("the provider circuit breaker counts only provider faults")
class GuardedProviderTest {
    private static final String GOOD_MODEL = "gpt-good";
    private static final String STREAM = "data: {\"model\":\"gpt-good\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
            + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private static Vertx vertx;
    private static FakeProviderServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = new FakeProviderServer(vertx);
    }

    @AfterAll
    static void stop() {
        server.close();
        vertx.close();
    }

    @Test
    @DisplayName("a provider failing repeatedly with 5xx is not called any more: requests end at once with provider_unavailable")
    void opensAfterRepeatedFailures() throws Exception {
        server.behaviour = ex -> ex.request().response().setStatusCode(500).end("down");
        GuardedProvider provider = guarded(server.base(""), Duration.ofSeconds(5));
        server.calls.set(0);
        for (int i = 0; i < 2; i++) {
            assertThat(run(provider, GOOD_MODEL).failure().code()).isEqualTo(ProviderFailure.PROVIDER_ERROR);
        }

        long start = System.nanoTime();
        ProviderFailure failure = run(provider, GOOD_MODEL).failure();

        assertThat(failure.code()).isEqualTo(ProviderFailure.UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        assertThat(server.calls).hasValue(2);
    }

    @Test
    @DisplayName("twenty requests naming a model the provider does not know keep the breaker closed; a good request right after is answered")
    void badModelKeepsBreakerClosed() throws Exception {
        server.behaviour = ex -> {
            if (GOOD_MODEL.equals(ex.body().getString("model"))) {
                ex.sse(STREAM);
                ex.request().response().end();
            } else {
                ex.request().response().setStatusCode(404).putHeader("content-type", "application/json")
                        .end("{\"error\":{\"message\":\"The model does not exist\",\"type\":\"invalid_request_error\","
                                + "\"code\":\"model_not_found\"}}");
            }
        };
        GuardedProvider provider = guarded(server.base(""), Duration.ofSeconds(5));

        for (int i = 0; i < 20; i++) {
            assertThat(run(provider, "no-such-model-" + i).failure().code()).isEqualTo(ProviderFailure.PROVIDER_ERROR);
        }

        assertThat(provider.state()).isEqualTo(CircuitBreakerState.CLOSED);
        CollectingSink good = run(provider, GOOD_MODEL);
        assertThat(good.completion().model()).isEqualTo(GOOD_MODEL);
        assertThat(good.text()).isEqualTo("hi");
    }

    @Test
    @DisplayName("401 and 429 answers do not open the breaker")
    void unauthorizedAndRateLimitedKeepBreakerClosed() throws Exception {
        server.behaviour = ex -> ex.request().response().setStatusCode(server.calls.get() % 2 == 0 ? 401 : 429)
                .end("{\"error\":{\"message\":\"no\"}}");
        GuardedProvider provider = guarded(server.base(""), Duration.ofSeconds(5));

        for (int i = 0; i < 6; i++) {
            assertThat(run(provider, GOOD_MODEL).failure().code())
                    .isIn(ProviderFailure.PROVIDER_ERROR, ProviderFailure.RATE_LIMITED);
        }

        assertThat(provider.state()).isEqualTo(CircuitBreakerState.CLOSED);
    }

    @Test
    @DisplayName("connection errors count: two refused connections open the breaker")
    void connectionErrorsOpenBreaker() throws Exception {
        GuardedProvider provider = guarded(URI.create("http://127.0.0.1:" + FreePorts.next()), Duration.ofSeconds(5));

        for (int i = 0; i < 2; i++) {
            assertThat(run(provider, GOOD_MODEL).failure().code()).isEqualTo(ProviderFailure.CONNECTION_LOST);
        }

        // the breaker hears the outcome just after the sink does
        await().atMost(Duration.ofSeconds(5)).until(() -> provider.state() == CircuitBreakerState.OPEN);
    }

    @Test
    @DisplayName("timeouts count: two silent answers open the breaker")
    void timeoutsOpenBreaker() throws Exception {
        server.behaviour = ex -> { }; // never answers
        GuardedProvider provider = guarded(server.base(""), Duration.ofMillis(200));

        for (int i = 0; i < 2; i++) {
            assertThat(run(provider, GOOD_MODEL).failure().code()).isEqualTo(ProviderFailure.TIMEOUT);
        }

        // the breaker hears the outcome just after the sink does
        await().atMost(Duration.ofSeconds(5)).until(() -> provider.state() == CircuitBreakerState.OPEN);
    }

    private static GuardedProvider guarded(URI base, Duration timeout) {
        return new GuardedProvider(new OpenAiProvider(vertx, vertx.createHttpClient(), base, Optional.empty(),
                GOOD_MODEL, timeout),
                CircuitBreaker.create("test", vertx, new CircuitBreakerOptions().setMaxFailures(2)
                        .setTimeout(-1).setResetTimeout(60_000).setNotificationAddress(null)), vertx);
    }

    private static CollectingSink run(AiProvider provider, String model) {
        CollectingSink sink = new CollectingSink();
        vertx.runOnContext(v -> provider.stream(new WorkflowRequest("m", "s", null, "x",
                new WorkflowContext("openai", model, null, null, null, List.of()), Instant.now(), "c"), sink));
        return sink;
    }
}
