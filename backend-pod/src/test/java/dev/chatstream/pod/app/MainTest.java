package dev.chatstream.pod.app;

import dev.chatstream.config.Env;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "NATS_URL|foo|NATS_URL: ",
            "HTTP_PORT|-1|HTTP_PORT: ",
            "POD_ID|a.b|POD_ID: ",
            "AUTH_MODE|sometimes|AUTH_MODE: ",
            "AUTH_JWT_SECRET|too-short|AUTH_JWT_SECRET: ",
            "AUTH_GUEST_SECRET|too-short|AUTH_GUEST_SECRET: ",
            "TRUSTED_PROXIES|proxy.example.com|TRUSTED_PROXIES: ",
            "MAX_CONNECTIONS_PER_USER|0|MAX_CONNECTIONS_PER_USER: ",
            "MESSAGE_RATE_PER_SECOND|fast|MESSAGE_RATE_PER_SECOND: "})
    @DisplayName("a bad variable prints exactly one line naming it and exits with status 2, before connecting anywhere")
    void badConfigurationExitsWithTwo(String variable, String value, String prefix) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.launch(new Env(Map.of(variable, value)), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(status).isEqualTo(2);
        assertThat(printed).startsWith(prefix).endsWith(System.lineSeparator());
        assertThat(printed.lines()).hasSize(1);
        assertThat(printed).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    @DisplayName("AUTH_MODE=jwt without a key refuses to start with one line naming AUTH_JWT_SECRET, exit 2")
    void jwtWithoutAKeyExitsWithTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.launch(new Env(Map.of("AUTH_MODE", "jwt")), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("AUTH_JWT_SECRET: ").contains("AUTH_JWKS_URL")
                .hasLineCount(1);
    }

    @Test
    @DisplayName("an AUTH_JWT_PUBLIC_KEY file that holds no key refuses to start, exit 2, before connecting to NATS")
    void unreadablePublicKeyExitsWithTwo(@TempDir Path dir) throws Exception {
        Path pem = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.launch(new Env(Map.of("AUTH_MODE", "jwt", "AUTH_JWT_PUBLIC_KEY", pem.toString(),
                "NATS_URL", "nats://127.0.0.1:1")), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("AUTH_JWT_PUBLIC_KEY: ").hasLineCount(1);
    }
}
