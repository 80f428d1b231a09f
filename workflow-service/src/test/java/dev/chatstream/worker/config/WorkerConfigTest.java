package dev.chatstream.worker.config;

import dev.chatstream.config.ConfigException;
import dev.chatstream.config.Env;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerConfigTest {

    @Test
    @DisplayName("an empty environment gives the documented defaults")
    void defaults() {
        WorkerConfig config = WorkerConfig.fromEnv(new Env(Map.of()));
        assertThat(config.nats().servers()).hasSize(1);
        assertThat(config.consumer().concurrency()).isEqualTo(10_000);
        assertThat(config.consumer().workerId()).matches("[A-Za-z0-9_-]{1,64}");
        assertThat(config.provider().defaultProvider()).isEqualTo("demo");
        assertThat(config.provider().demoTokenDelay()).isEqualTo(Duration.ofMillis(20));
        assertThat(config.provider().openAiBaseUrl()).hasToString("https://api.openai.com/v1");
        assertThat(config.provider().anthropicBaseUrl()).hasToString("https://api.anthropic.com");
        assertThat(config.fanout().historyFlushInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.fanout().liveFrameTick()).isEqualTo(Duration.ofMillis(1));
        assertThat(config.registry().redisEnabled()).isTrue();
        assertThat(config.registry().rereadInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.registry().heartbeatStaleAfter()).isEqualTo(Duration.ofSeconds(6));
        assertThat(config.httpPort()).isEqualTo(8081);
        assertThat(config.policy().maxTokensCeiling()).isEqualTo(4096);
        assertThat(config.policy().maxHistoryTurns()).isEqualTo(20);
        assertThat(config.policy().maxSystemPromptChars()).isEqualTo(4000);
        assertThat(config.policy().systemPrompt()).isEmpty();
        assertThat(config.policy().modelsOf("openai").defaultModel()).isEqualTo("gpt-4o-mini");
    }

    @Test
    @DisplayName("reads every section from its variables")
    void readsVariables() {
        WorkerConfig config = WorkerConfig.fromEnv(new Env(Map.of(
                "WORKER_ID", "w-1", "WORKER_CONCURRENCY", "3", "AI_PROVIDER", "openai",
                "OPENAI_BASE_URL", "http://127.0.0.1:11434/v1/", "DEMO_TOKEN_DELAY_MS", "0",
                "REDIS_ENABLED", "false", "HISTORY_FLUSH_INTERVAL", "2ms", "HTTP_PORT", "0", "LIVE_FRAME_TICK", "0")));
        assertThat(config.consumer().workerId()).isEqualTo("w-1");
        assertThat(config.consumer().concurrency()).isEqualTo(3);
        assertThat(config.provider().defaultProvider()).isEqualTo("openai");
        assertThat(config.provider().openAiBaseUrl()).hasToString("http://127.0.0.1:11434/v1");
        assertThat(config.provider().demoTokenDelay()).isZero();
        assertThat(config.registry().redisEnabled()).isFalse();
        assertThat(config.fanout().historyFlushInterval()).isEqualTo(Duration.ofMillis(2));
        assertThat(config.httpPort()).isZero();
        assertThat(config.fanout().liveFrameTick()).isZero();
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource({
            "WORKER_CONCURRENCY, 0",
            "WORKER_CONCURRENCY, lots",
            "WORKER_ID, has.dot",
            "AI_PROVIDER, gemini",
            "DEMO_TOKEN_DELAY_MS, -1",
            "OPENAI_MODELS, gpt 4",
            "MAX_TOKENS_CEILING, 0",
            "MAX_HISTORY_TURNS, -1",
            "MAX_SYSTEM_PROMPT_CHARS, many",
            "OPENAI_BASE_URL, ftp://x",
            "REDIS_URL, http://localhost",
            "REDIS_ENABLED, maybe",
            "HISTORY_FLUSH_INTERVAL, 5 parsecs",
            "REGISTRY_REREAD_INTERVAL, 0",
            "HEARTBEAT_STALE_AFTER, 1ms",
            "PROVIDER_TIMEOUT, soon",
            "SHUTDOWN_TIMEOUT, 2y",
            "HTTP_PORT, 70000",
            "NATS_URL, http://nats:4222",
            "WORKER_ACK_WAIT, 10ms",
            "HISTORY_PUBLISH_ATTEMPTS, 20",
            "ANSWERED_TTL, forever",
            "ANSWER_MAX_DURATION, 0s",
            "LIVE_FRAME_TICK, 1s",
    })
    @DisplayName("a bad value names its variable")
    void badValues(String variable, String value) {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(new Env(Map.of(variable, value))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(variable + ": ");
    }

    @Test
    @DisplayName("AI_PROVIDER=anthropic requires ANTHROPIC_API_KEY")
    void anthropicNeedsKey() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(new Env(Map.of("AI_PROVIDER", "anthropic"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ANTHROPIC_API_KEY: ");
    }
}
