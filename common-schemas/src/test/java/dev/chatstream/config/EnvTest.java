package dev.chatstream.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvTest {

    @Test
    @DisplayName("uses defaults when variables are unset or blank")
    void defaults() {
        Env env = new Env(Map.of("BLANK", "  "));
        assertThat(env.integer("BLANK", 7, 0, 10)).isEqualTo(7);
        assertThat(env.port("HTTP_PORT", 8080, false)).isEqualTo(8080);
        assertThat(env.duration("T", Duration.ofSeconds(3), Duration.ZERO, Duration.ofHours(1))).hasSeconds(3);
        assertThat(env.bool("B", true)).isTrue();
    }

    @Test
    @DisplayName("a port out of range names the variable and the range")
    void badPort() {
        assertThatThrownBy(() -> new Env(Map.of("HTTP_PORT", "-1")).port("HTTP_PORT", 8080, false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("HTTP_PORT: -1 is out of range; must be between 1 and 65535");
        assertThatThrownBy(() -> new Env(Map.of("HTTP_PORT", "http")).port("HTTP_PORT", 8080, false))
                .hasMessage("HTTP_PORT: 'http' is not an integer");
    }

    @Test
    @DisplayName("durations take units and refuse nonsense")
    void durations() {
        Env env = new Env(Map.of("A", "250ms", "B", "30s", "C", "5m", "D", "2h", "E", "1d", "F", "100", "G", "5x", "H", "soon"));
        Duration max = Duration.ofDays(2);
        assertThat(env.duration("A", null, Duration.ZERO, max)).isEqualTo(Duration.ofMillis(250));
        assertThat(env.duration("B", null, Duration.ZERO, max)).isEqualTo(Duration.ofSeconds(30));
        assertThat(env.duration("C", null, Duration.ZERO, max)).isEqualTo(Duration.ofMinutes(5));
        assertThat(env.duration("D", null, Duration.ZERO, max)).isEqualTo(Duration.ofHours(2));
        assertThat(env.duration("E", null, Duration.ZERO, max)).isEqualTo(Duration.ofDays(1));
        assertThat(env.duration("F", null, Duration.ZERO, max)).isEqualTo(Duration.ofMillis(100));
        assertThatThrownBy(() -> env.duration("G", null, Duration.ZERO, max)).hasMessageStartingWith("G: '5x' has an unknown unit");
        assertThatThrownBy(() -> env.duration("H", null, Duration.ZERO, max)).hasMessageStartingWith("H: 'soon' is not a duration");
    }

    @Test
    @DisplayName("a token variable refuses subject metacharacters")
    void tokens() {
        assertThat(new Env(Map.of("POD_ID", "pod-1")).token("POD_ID", "x")).isEqualTo("pod-1");
        assertThatThrownBy(() -> new Env(Map.of("POD_ID", "a.b")).token("POD_ID", "x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("POD_ID: 'a.b' is not a valid subject token");
    }

    @Test
    @DisplayName("choices list what is allowed")
    void choices() {
        assertThat(new Env(Map.of("AI_PROVIDER", "OpenAI")).choice("AI_PROVIDER", "demo", Set.of("demo", "openai")))
                .isEqualTo("openai");
        assertThatThrownBy(() -> new Env(Map.of("AI_PROVIDER", "gpt")).choice("AI_PROVIDER", "demo", Set.of("demo", "openai")))
                .hasMessage("AI_PROVIDER: 'gpt' is not one of demo, openai");
    }

    @Test
    @DisplayName("error lines stay one printable line")
    void printable() {
        assertThatThrownBy(() -> new Env(Map.of("X", "1\n2")).integer("X", 0, 0, 9))
                .hasMessage("X: '1?2' is not an integer");
    }
}
