package dev.chatstream.telemetry;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

import java.util.Locale;
import java.util.Map;

/**
 * Installs the OpenTelemetry SDK from the standard {@code OTEL_*} variables, or nothing at all.
 *
 * <p>Tracing is on only when the operator asked for it: {@code OTEL_TRACES_EXPORTER} set to anything
 * but {@code none}, or an OTLP endpoint ({@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) given; {@code OTEL_SDK_DISABLED=true} wins over both.
 * Otherwise no SDK is built and the API stays the no-op one, so an unconfigured service pays nothing
 * per request (the autoconfigure default would export OTLP to localhost instead). Metrics and logs
 * exporters default to {@code none}: metrics are Prometheus, logs are JSON on stdout.
 */
public final class Telemetry {
    private Telemetry() {
    }

    /** Whether {@code env} asks for traces. */
    public static boolean tracingRequested(Map<String, String> env) {
        if ("true".equalsIgnoreCase(trimmed(env, "OTEL_SDK_DISABLED"))) {
            return false;
        }
        String exporter = trimmed(env, "OTEL_TRACES_EXPORTER");
        if (exporter != null) {
            return !"none".equals(exporter.toLowerCase(Locale.ROOT));
        }
        return trimmed(env, "OTEL_EXPORTER_OTLP_ENDPOINT") != null
                || trimmed(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != null;
    }

    /**
     * Builds the SDK when {@code env} asks for traces, registers it as the global instance (flushed and
     * closed at JVM exit) and returns it; returns the no-op instance otherwise. Call once, before the
     * application starts. {@code serviceName} is the default for {@code OTEL_SERVICE_NAME}.
     */
    public static OpenTelemetry install(Map<String, String> env, String serviceName) {
        if (!tracingRequested(env)) {
            return OpenTelemetry.noop();
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", serviceName,
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        GlobalOpenTelemetry.set(sdk);
        // Last out: the services' own shutdown hooks may still end spans; close() flushes the batch.
        Runtime.getRuntime().addShutdownHook(new Thread(sdk::close, "otel-shutdown"));
        return sdk;
    }

    private static String trimmed(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
