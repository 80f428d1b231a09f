package dev.chatstream.pod.config;

import dev.chatstream.config.ConfigException;
import dev.chatstream.config.Env;
import dev.chatstream.wire.BusyPolicy;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PodConfigTest {

    @Test
    @DisplayName("without variables every setting has its documented default")
    void defaults() {
        PodConfig config = PodConfig.fromEnv(new Env(Map.of("HOSTNAME", "my-pod-7f9c")));
        assertThat(config.podId()).isEqualTo("my-pod-7f9c");
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.http().maxMessageBytes()).isEqualTo(32 * 1024);
        assertThat(config.sse().keepAlive()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.registry().enabled()).isTrue();
        assertThat(config.registry().redisUrl().toString()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(config.registry().ttl()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.registry().refreshInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.nats().heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.nats().connection().servers()).hasSize(1);
        assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.defaultAiProvider()).isEqualTo("demo");
        assertThat(config.http().managementPort()).isEqualTo(9090);
        assertThat(config.http().idleTimeout()).isEqualTo(Duration.ofSeconds(75));
        assertThat(config.http().headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.http().http2ClearText()).isFalse();
        assertThat(config.http().corsAllowedOrigins()).isEmpty();
        assertThat(config.busyPolicy()).isEqualTo(BusyPolicy.QUEUE);
    }

    @Test
    @DisplayName("BUSY_POLICY takes queue, interrupt or reject, and names the choices when it is anything else")
    void busyPolicy() {
        assertThat(PodConfig.fromEnv(new Env(Map.of("HOSTNAME", "h", "BUSY_POLICY", "Reject"))).busyPolicy())
                .isEqualTo(BusyPolicy.REJECT);
        assertThatThrownBy(() -> PodConfig.fromEnv(new Env(Map.of("HOSTNAME", "h", "BUSY_POLICY", "drop"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("BUSY_POLICY").hasMessageContaining("interrupt");
    }

    @Test
    @DisplayName("CORS_ALLOWED_ORIGINS is a comma-separated list of exact origins, kept in lower case without a trailing slash")
    void corsOrigins() {
        PodConfig config = PodConfig.fromEnv(new Env(Map.of("HOSTNAME", "h",
                "CORS_ALLOWED_ORIGINS", " https://App.Example.com , http://localhost:3000/,")));
        assertThat(config.http().corsAllowedOrigins()).containsExactly("https://app.example.com", "http://localhost:3000");
    }

    @Test
    @DisplayName("a host name that is no subject token becomes one")
    void sanitizesHostName() {
        assertThat(PodConfig.fromEnv(new Env(Map.of("HOSTNAME", "node.example.com"))).podId()).isEqualTo("node-example-com");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "NATS_URL|foo|NATS_URL: 'foo' must start with",
            "NATS_URL|nats://a:4222,,nats://b:4222|NATS_URL: has an empty entry",
            "HTTP_PORT|-1|HTTP_PORT: -1 is out of range",
            "HTTP_PORT|http|HTTP_PORT: 'http' is not an integer",
            "POD_ID|a.b|POD_ID: 'a.b' is not a valid subject token",
            "POD_ID|a*|POD_ID: 'a*' is not a valid subject token",
            "REDIS_URL|http://x|REDIS_URL: 'http://x' must start with redis:// or rediss://",
            "REDIS_ENABLED|maybe|REDIS_ENABLED: 'maybe' is not a boolean",
            "MAX_CONNECTIONS|0|MAX_CONNECTIONS: 0 is out of range",
            "MAX_MESSAGE_BYTES|lots|MAX_MESSAGE_BYTES: 'lots' is not an integer",
            "SSE_KEEPALIVE|soon|SSE_KEEPALIVE: 'soon' is not a duration",
            "SSE_RETRY|5x|SSE_RETRY: '5x' has an unknown unit",
            "SSE_WRITE_BUFFER_BYTES|10|SSE_WRITE_BUFFER_BYTES: 10 is out of range",
            "REGISTRY_REFRESH_INTERVAL|20s|REGISTRY_REFRESH_INTERVAL: 20000ms must be shorter than REGISTRY_TTL",
            "HEARTBEAT_INTERVAL|0|HEARTBEAT_INTERVAL: 0 is out of range",
            "DRAIN_TIMEOUT|-5s|DRAIN_TIMEOUT: '-5s' is not a duration",
            "DEFAULT_AI_PROVIDER|a b|DEFAULT_AI_PROVIDER: 'a b' is not a provider name",
            "STREAM_REPLICAS|9|STREAM_REPLICAS: 9 is out of range",
            "MANAGEMENT_PORT|8080|MANAGEMENT_PORT: 8080 is HTTP_PORT too",
            "HTTP_IDLE_TIMEOUT|15s|HTTP_IDLE_TIMEOUT: 15000ms must be longer than SSE_KEEPALIVE",
            "HTTP_HEADER_TIMEOUT|0|HTTP_HEADER_TIMEOUT: 0 is out of range",
            "HTTP2_CLEARTEXT|sometimes|HTTP2_CLEARTEXT: 'sometimes' is not a boolean",
            "CORS_ALLOWED_ORIGINS|*|CORS_ALLOWED_ORIGINS: '*': wildcards are not allowed",
            "CORS_ALLOWED_ORIGINS|https://a.example/app|CORS_ALLOWED_ORIGINS: 'https://a.example/app' is not an origin",
            "CORS_ALLOWED_ORIGINS|ftp://a.example|CORS_ALLOWED_ORIGINS: 'ftp://a.example' is not an origin"})
    @DisplayName("each bad variable is refused with a one-line message naming it")
    void refusesBadValues(String variable, String value, String expected) {
        assertThatThrownBy(() -> PodConfig.fromEnv(new Env(Map.of(variable, value, "HOSTNAME", "h"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
                .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(variable));
    }
}
