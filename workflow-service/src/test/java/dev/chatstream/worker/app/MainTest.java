package dev.chatstream.worker.app;

import dev.chatstream.config.Env;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    @Test
    @DisplayName("a bad variable prints one line naming it and exits with status 2, without a stack trace")
    void configErrorLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.configure(new Env(Map.of("WORKER_CONCURRENCY", "many")), new PrintStream(err, true, StandardCharsets.UTF_8));
        String output = err.toString(StandardCharsets.UTF_8);
        assertThat(status).isEqualTo(2);
        assertThat(output.lines()).hasSize(1);
        assertThat(output).startsWith("workflow-service: configuration error: WORKER_CONCURRENCY: ")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    @DisplayName("a good configuration passes with status 0 and prints nothing")
    void goodConfig() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Main.configure(new Env(Map.of()), new PrintStream(err, true, StandardCharsets.UTF_8))).isZero();
        assertThat(err.size()).isZero();
    }
}
