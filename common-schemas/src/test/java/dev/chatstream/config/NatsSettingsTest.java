package dev.chatstream.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NatsSettingsTest {

    @Test
    @DisplayName("defaults to the local server")
    void defaults() {
        assertThat(NatsSettings.fromEnv(new Env(Map.of())).servers()).containsExactly(URI.create("nats://127.0.0.1:4222"));
    }

    @Test
    @DisplayName("takes a comma-separated list of servers")
    void list() {
        NatsSettings settings = NatsSettings.fromEnv(new Env(Map.of("NATS_URL", "nats://a:4222, nats://b:4223,tls://c:4224")));
        assertThat(settings.servers()).extracting(URI::getHost).containsExactly("a", "b", "c");
    }

    @Test
    @DisplayName("refuses a URL that is not a NATS URL, naming NATS_URL")
    void refusesFoo() {
        assertThatThrownBy(() -> NatsSettings.fromEnv(new Env(Map.of("NATS_URL", "foo"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("NATS_URL: 'foo' must start with");
        assertThatThrownBy(() -> NatsSettings.fromEnv(new Env(Map.of("NATS_URL", "http://x:4222"))))
                .hasMessageStartingWith("NATS_URL: 'http://x:4222' must start with");
        assertThatThrownBy(() -> NatsSettings.fromEnv(new Env(Map.of("NATS_URL", "nats://a:4222,,nats://b"))))
                .hasMessageStartingWith("NATS_URL: has an empty entry");
    }

    @Test
    @DisplayName("user and password come together, and only one auth scheme is allowed")
    void credentials() {
        assertThatThrownBy(() -> NatsSettings.fromEnv(new Env(Map.of("NATS_USER", "pod"))))
                .hasMessage("NATS_PASSWORD: must be set together with NATS_USER");
        assertThatThrownBy(() -> NatsSettings.fromEnv(new Env(Map.of("NATS_USER", "pod", "NATS_PASSWORD", "x", "NATS_TOKEN", "t"))))
                .hasMessageStartingWith("NATS_TOKEN: set only one of");
        assertThatThrownBy(() -> NatsSettings.fromEnv(new Env(Map.of("NATS_CREDS", "/nonexistent/file.creds"))))
                .hasMessage("NATS_CREDS: '/nonexistent/file.creds' is not a readable file");
    }
}
