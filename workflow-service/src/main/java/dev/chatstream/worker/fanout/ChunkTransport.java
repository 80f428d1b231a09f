package dev.chatstream.worker.fanout;

import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.worker.config.FanoutSettings;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** The NATS side of the fan-out, shared by every message: core publishes for live, JetStream for history. */
public final class ChunkTransport {
    private final Connection connection;
    private final JetStream jetStream;
    private final JetStreamManagement management;
    private final FanoutSettings settings;
    private final FanoutMetrics metrics;
    private final HistoryGate historyGate;
    private final Tracer tracer;
    private final PodFrames podFrames;

    public ChunkTransport(Connection connection, JetStream jetStream, FanoutSettings settings, FanoutMetrics metrics)
            throws IOException {
        this(connection, jetStream, settings, metrics, OpenTelemetry.noop());
    }

    /** With {@code openTelemetry} for the fan-out's spans ({@link FanoutSpans}). */
    public ChunkTransport(Connection connection, JetStream jetStream, FanoutSettings settings, FanoutMetrics metrics,
                          OpenTelemetry openTelemetry) throws IOException {
        this.tracer = openTelemetry.getTracer("dev.chatstream.workflow-service");
        this.connection = connection;
        this.jetStream = jetStream;
        this.management = connection.jetStreamManagement();
        this.settings = settings;
        this.metrics = metrics;
        this.historyGate = new HistoryGate(settings.historyMaxInFlight());
        this.podFrames = new PodFrames(this, settings.liveFrameTick().toNanos());
    }

    PodFrames podFrames() {
        return podFrames;
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

    /**
     * One try at a history write, failing after the policy's per-try timeout (not jnats' request sweep),
     * so the retry budget pods wait for holds ({@link WriteDeadlines}).
     */
    CompletableFuture<PublishAck> publishHistory(String subject, Headers headers, byte[] body, String msgId) {
        try {
            return WriteDeadlines.within(jetStream.publishAsync(subject, headers, body,
                    PublishOptions.builder().messageId(msgId).build()), settings.historyRetry().attemptTimeout().toMillis());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The {@code Chat-Attempt} of the history batch stored at {@code sequence}; blocking. */
    String storedAttempt(long sequence) throws IOException, JetStreamApiException {
        MessageInfo stored = management.getMessage(StreamDefinitions.CHAT_HISTORY, sequence);
        return stored.getHeaders() == null ? null : stored.getHeaders().getFirst(ChunkHeaders.ATTEMPT);
    }
}
