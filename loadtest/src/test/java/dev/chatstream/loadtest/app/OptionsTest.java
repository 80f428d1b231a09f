package dev.chatstream.loadtest.app;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {

    @Test
    @DisplayName("derives sessions from connections and connections per session")
    void derivesSessions() {
        Options o = Options.parse("run", "--connections", "100", "--connections-per-session", "4", "--rate", "50",
                "--max-tokens", "9", "--duration=20s", "--warmup", "500ms");
        assertThat(o.sessions()).isEqualTo(25);
        assertThat(o.connections()).isEqualTo(100);
        assertThat(o.expectedChunkRate()).isEqualTo(50 * 10 * 4);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(o.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.ramp()).isZero();
    }

    @Test
    @DisplayName("--ramp must end within the warm-up, so the measured window runs at the full rate")
    void rampWithinWarmup() {
        assertThat(Options.parse("run", "--rate", "50", "--warmup", "40s", "--ramp", "30s").ramp())
                .isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> Options.parse("run", "--rate", "50", "--ramp", "30s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ramp");
    }

    @Test
    @DisplayName("puts all connections of the scale mode in one session, one source address per 20000")
    void scaleModeUsesOneSession() {
        Options o = Options.parse("scale", "--connections", "25000", "--pod-pid", "42");
        assertThat(o.sessions()).isOne();
        assertThat(o.connectionsPerSession()).isEqualTo(25000);
        assertThat(o.localAddresses()).isEqualTo(2);
        assertThat(o.maxTokens()).isOne();
        assertThat(o.http2()).isFalse();
    }

    @Test
    @DisplayName("--http2 is a flag: streams share HTTP/2 connections")
    void http2IsAFlag() {
        assertThat(Options.parse("scale", "--connections", "50000", "--http2", "--pod-pid", "42").http2()).isTrue();
        assertThat(Options.parse("run", "--http2").http2()).isTrue();
    }

    @Test
    @DisplayName("names the option in every error")
    void namesTheOption() {
        assertThatThrownBy(() -> Options.parse("--rate", "fast")).hasMessageStartingWith("rate:");
        assertThatThrownBy(() -> Options.parse("--targets", "ftp://x")).hasMessageStartingWith("targets:");
        assertThatThrownBy(() -> Options.parse("nats-baseline")).hasMessageStartingWith("nats-url:");
        assertThatThrownBy(() -> Options.parse("--bogus", "1")).hasMessageStartingWith("bogus: unknown option");
        assertThatThrownBy(() -> Options.parse("--connections", "10", "--connections-per-session", "3"))
                .hasMessageStartingWith("connections:");
    }
}
