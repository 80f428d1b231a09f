package dev.chatstream.telemetry;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryTest {

    @Test
    @DisplayName("no OTEL_* variable leaves tracing off")
    void offByDefault() {
        assertThat(Telemetry.tracingRequested(Map.of("PATH", "/bin"))).isFalse();
    }

    @Test
    @DisplayName("an OTLP endpoint alone turns tracing on")
    void endpointTurnsOn() {
        assertThat(Telemetry.tracingRequested(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))).isTrue();
    }

    @Test
    @DisplayName("OTEL_TRACES_EXPORTER=none keeps tracing off even with an endpoint")
    void exporterNoneWins() {
        assertThat(Telemetry.tracingRequested(Map.of("OTEL_TRACES_EXPORTER", "none",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))).isFalse();
    }

    @Test
    @DisplayName("OTEL_TRACES_EXPORTER=logging turns tracing on")
    void loggingExporterTurnsOn() {
        assertThat(Telemetry.tracingRequested(Map.of("OTEL_TRACES_EXPORTER", "logging"))).isTrue();
    }

    @Test
    @DisplayName("OTEL_SDK_DISABLED=true wins over an exporter")
    void sdkDisabledWins() {
        assertThat(Telemetry.tracingRequested(Map.of("OTEL_SDK_DISABLED", "true", "OTEL_TRACES_EXPORTER", "otlp"))).isFalse();
    }
}
