package dev.chatstream.worker.provider;

import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import io.vertx.core.Vertx;
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
class DemoProviderTest {
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    private static CollectingSink run(Duration delay, Integer maxTokens) {
        DemoProvider provider = new DemoProvider(vertx, delay);
        CollectingSink sink = new CollectingSink();
        vertx.runOnContext(v -> provider.stream(new WorkflowRequest("m", "s", null, "x",
                new WorkflowContext("demo", null, null, maxTokens, null, List.of()), Instant.now(), "c"), sink));
        return sink;
    }

    @Test
    @DisplayName("streams exactly max_tokens tokens, each one word and the whitespace after it, then completes with stop")
    void streamsMaxTokens() throws Exception {
        CollectingSink sink = run(Duration.ofMillis(1), 10);
        Completion completion = sink.completion();
        assertThat(sink.tokens).hasSize(10).allSatisfy(t -> assertThat(t).matches("\\S+\\s+"));
        assertThat(completion.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(completion.tokensUsed()).isEqualTo(10);
    }

    @Test
    @DisplayName("streams 64 tokens when max_tokens is absent")
    void defaultsTo64() throws Exception {
        CollectingSink sink = run(Duration.ofMillis(1), null);
        sink.completion();
        assertThat(sink.tokens).hasSize(64);
    }

    @Test
    @DisplayName("the default answer is the Markdown demo text once, with a list and a code block")
    void defaultAnswerIsTheMarkdownText() throws Exception {
        CollectingSink sink = run(Duration.ZERO, null);
        sink.completion();
        assertThat(sink.text()).isEqualTo(DemoProvider.TEXT).contains("\n- ").contains("\n```js\n");
    }

    @Test
    @DisplayName("an answer longer than the demo text starts the text over")
    void longerAnswerRepeatsTheText() throws Exception {
        CollectingSink sink = run(Duration.ZERO, DemoProvider.DEFAULT_MAX_TOKENS * 2 + 3);
        sink.completion();
        assertThat(sink.text()).startsWith(DemoProvider.TEXT + DemoProvider.TEXT + "## A demo ");
    }

    @Test
    @DisplayName("is deterministic: the same request gives the same text")
    void deterministic() throws Exception {
        CollectingSink a = run(Duration.ZERO, 30);
        CollectingSink b = run(Duration.ZERO, 30);
        a.completion();
        b.completion();
        assertThat(a.text()).isEqualTo(b.text());
    }

    @Test
    @DisplayName("with no delay still streams every token, in slices")
    void zeroDelay() throws Exception {
        CollectingSink sink = run(Duration.ZERO, 1000);
        sink.completion();
        assertThat(sink.tokens).hasSize(1000);
    }

    @Test
    @DisplayName("many paced answers at once each stream every token, sharing one ticker")
    void concurrentPaced() throws Exception {
        List<CollectingSink> sinks = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sinks.add(run(Duration.ofMillis(5), 20));
        }
        for (CollectingSink sink : sinks) {
            assertThat(sink.completion().tokensUsed()).isEqualTo(20);
            assertThat(sink.tokens).hasSize(20);
        }
    }

    @Test
    @DisplayName("spaces tokens DEMO_TOKEN_DELAY_MS apart")
    void paced() throws Exception {
        long start = System.nanoTime();
        run(Duration.ofMillis(20), 10).completion();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(180));
    }
}
