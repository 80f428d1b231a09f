package dev.chatstream.worker.provider;

import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class GuardedProviderTest {
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
    @DisplayName("a provider failing repeatedly is not called any more: requests end at once with provider_unavailable")
    void opensAfterRepeatedFailures() throws Exception {
        server.behaviour = ex -> ex.request().response().setStatusCode(500).end("down");
        GuardedProvider provider = new GuardedProvider(new OpenAiProvider(vertx, vertx.createHttpClient(),
                server.base(""), Optional.empty(), "m", Duration.ofSeconds(5)),
                CircuitBreaker.create("test", vertx, new CircuitBreakerOptions().setMaxFailures(2)
                        .setTimeout(-1).setResetTimeout(60_000).setNotificationAddress(null)), vertx);
        server.calls.set(0);
        for (int i = 0; i < 2; i++) {
            assertThat(run(provider).failure().code()).isEqualTo(ProviderFailure.HTTP_ERROR);
        }

        long start = System.nanoTime();
        ProviderFailure failure = run(provider).failure();

        assertThat(failure.code()).isEqualTo(ProviderFailure.UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        assertThat(server.calls).hasValue(2);
    }

    private static CollectingSink run(AiProvider provider) {
        CollectingSink sink = new CollectingSink();
        vertx.runOnContext(v -> provider.stream(new WorkflowRequest("m", "s", null, "x",
                WorkflowContext.of("openai"), Instant.now(), "c"), sink));
        return sink;
    }
}
