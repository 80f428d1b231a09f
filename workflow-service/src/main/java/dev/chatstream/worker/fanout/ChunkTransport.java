package dev.chatstream.worker.fanout;

import dev.chatstream.worker.config.FanoutSettings;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;

import java.util.concurrent.CompletableFuture;

/** The NATS side of the fan-out, shared by every message: core publishes for live, JetStream for history. */
public final class ChunkTransport {
    private final Connection connection;
    private final JetStream jetStream;
    private final FanoutSettings settings;
    private final FanoutMetrics metrics;
    private final HistoryGate historyGate;
    private final Tracer tracer;

    public ChunkTransport(Connection connection, JetStream jetStream, FanoutSettings settings, FanoutMetrics metrics) {
        this(connection, jetStream, settings, metrics, OpenTelemetry.noop());
    }

    /** With {@code openTelemetry} for the fan-out's spans ({@link FanoutSpans}). */
    public ChunkTransport(Connection connection, JetStream jetStream, FanoutSettings settings, FanoutMetrics metrics,
                          OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.chatstream.workflow-service");
        this.connection = connection;
        this.jetStream = jetStream;
        this.settings = settings;
        this.metrics = metrics;
        this.historyGate = new HistoryGate(settings.historyMaxInFlight());
    }

    HistoryGate historyGate() {
        return historyGate;
    }

    Tracer tracer() {
        return tracer;
    }

    FanoutSettings settings() {
        return settings;
    }

    FanoutMetrics metrics() {
        return metrics;
    }

    void publishLive(String subject, Headers headers, byte[] body) {
        connection.publish(subject, headers, body);
    }

    CompletableFuture<PublishAck> publishHistory(String subject, Headers headers, byte[] body, String msgId) {
        try {
            return jetStream.publishAsync(subject, headers, body, PublishOptions.builder().messageId(msgId).build());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
