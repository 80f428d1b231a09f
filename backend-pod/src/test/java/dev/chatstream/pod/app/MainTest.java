package dev.chatstream.pod.app;

import dev.chatstream.config.Env;
import org.junit.jupiter.api.DisplayName;
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
            "POD_ID|a.b|POD_ID: "})
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
}
