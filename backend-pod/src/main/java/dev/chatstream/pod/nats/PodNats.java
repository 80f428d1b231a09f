package dev.chatstream.pod.nats;

import dev.chatstream.pod.config.NatsSection;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.streams.JetStreamProvisioner;
import dev.chatstream.streams.StreamDefinitions;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The pod's one NATS connection and what the HTTP side asks of it: JetStream publishes of requests,
 * cancel requests, status. Publishes fail fast while disconnected instead of filling the reconnect
 * buffer, so a POST gets its 503 at once.
 */
public final class PodNats implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PodNats.class);

    private final Connection connection;
    private final JetStream jetStream;
    private final JetStreamManagement management;
    private final NatsSection settings;
    private final PodMetrics metrics;
    private final ReconnectHooks reconnectHooks;

    private PodNats(Connection connection, NatsSection settings, PodMetrics metrics, ReconnectHooks reconnectHooks)
            throws IOException {
        this.connection = connection;
        this.reconnectHooks = reconnectHooks;
        this.settings = settings;
        this.metrics = metrics;
        JetStreamOptions options = JetStreamOptions.builder().requestTimeout(settings.publishTimeout()).build();
        this.jetStream = connection.jetStream(options);
        this.management = connection.jetStreamManagement(options);
    }

    /**
     * Connects (blocking; retries until a server answers, as the connection reconnects forever later)
     * and makes sure the streams exist.
     */
    public static PodNats connect(NatsSection settings, String podId, PodMetrics metrics)
            throws IOException, InterruptedException {
        ReconnectHooks reconnectHooks = new ReconnectHooks();
        ConnectionListener listener = (conn, event) -> {
            LOG.atInfo().addKeyValue("pod_id", podId).addKeyValue("nats_event", event.toString()).log("NATS connection event");
            if (event == ConnectionListener.Events.RECONNECTED) {
                reconnectHooks.run();
            }
        };
        LOG.atInfo().addKeyValue("pod_id", podId).addKeyValue("nats", settings.connection().servers().toString())
                .log("connecting to NATS (retrying until a server answers)");
        Connection connection = Nats.connectReconnectOnConnect(settings.connection().options("backend-pod-" + podId)
                .connectionListener(listener)
                .build());
        PodNats nats = new PodNats(connection, settings, metrics, reconnectHooks);
        metrics.natsConnected(nats::connected);
        nats.provisionStreams();
        return nats;
    }

    private void provisionStreams() {
        try {
            new JetStreamProvisioner(management).applyStreams(settings.streams())
                    .forEach(change -> LOG.atInfo().addKeyValue("stream", change.name())
                            .addKeyValue("outcome", change.outcome().toString()).log("JetStream stream provisioned"));
        } catch (Exception e) {
            // Workers provision the same streams; a pod without the rights still works against them.
            LOG.atWarn().setCause(e).log("cannot provision JetStream streams; relying on existing ones");
        }
        try {
            JetStreamProvisioner.applyBuckets(connection.keyValueManagement(), settings.streams())
                    .forEach(change -> LOG.atInfo().addKeyValue("bucket", change.name())
                            .addKeyValue("outcome", change.outcome().toString()).log("JetStream KV bucket provisioned"));
        } catch (Exception e) {
            LOG.atWarn().setCause(e).log("cannot provision JetStream KV buckets; relying on existing ones");
        }
    }

    /** The KV bucket {@code name} (session owners, idempotency records); its calls block. */
    public KeyValue bucket(String name) throws IOException {
        return connection.keyValue(name);
    }

    /**
     * Runs {@code hook} (on a NATS thread) after each reconnect: core messages published while the
     * connection was down reached no one here.
     */
    public void onReconnect(Runnable hook) {
        reconnectHooks.add(hook);
    }

    Connection connection() {
        return connection;
    }

    JetStream jetStream() {
        return jetStream;
    }

    JetStreamManagement management() {
        return management;
    }

    public boolean connected() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    /** The URL of the server connected to, or null. */
    public String connectedServer() {
        return connected() ? connection.getConnectedUrl() : null;
    }

    /**
     * Publishes a workflow request to JetStream with {@code Nats-Msg-Id} = {@code messageId}. Completes with
     * the ack (possibly a duplicate ack), or fails with {@link NatsUnavailableException}. {@code onlyIfIdle}:
     * stored only while {@code subject} holds no message ({@code Nats-Expected-Last-Subject-Sequence: 0};
     * JetStream checks the duplicate id first, so a retried publish of a stored request still acks); the
     * refusal's cause is a {@link io.nats.client.JetStreamApiException} with code 10071.
     */
    public CompletableFuture<PublishAck> publishRequest(String subject, Headers headers, byte[] body, String messageId,
                                                        boolean onlyIfIdle) {
        if (!connected()) {
            return CompletableFuture.failedFuture(new NatsUnavailableException("NATS is " + connection.getStatus()));
        }
        PublishOptions.Builder builder = PublishOptions.builder()
                .messageId(messageId)
                .expectedStream(StreamDefinitions.WORKFLOW_REQUESTS)
                .streamTimeout(settings.publishTimeout());
        if (onlyIfIdle) {
            builder.expectedLastSubjectSequence(0);
        }
        PublishOptions options = builder.build();
        CompletableFuture<PublishAck> ack;
        try {
            ack = jetStream.publishAsync(subject, headers, body, options);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new NatsUnavailableException("publish refused: " + e.getMessage(), e));
        }
        metrics.natsPublished("request");
        return ack.orTimeout(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        new NatsUnavailableException("JetStream did not acknowledge: " + describe(e), e)));
    }

    /** Sends a core request and returns the first reply; fails fast while disconnected. */
    public CompletableFuture<Message> request(String subject, byte[] body, Duration timeout, String kind) {
        if (!connected()) {
            return CompletableFuture.failedFuture(new NatsUnavailableException("NATS is " + connection.getStatus()));
        }
        metrics.natsPublished(kind);
        // jnats expires request futures in a cleanup sweep (every few seconds): bound it ourselves.
        return connection.requestWithTimeout(subject, body, timeout).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A core publish, skipped while disconnected so stale messages do not pile up in the reconnect buffer. */
    public boolean publish(String subject, byte[] body, String kind) {
        if (!connected()) {
            return false;
        }
        try {
            connection.publish(subject, body);
            metrics.natsPublished(kind);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Drains subscriptions and pending publishes, then closes; bounded by {@code timeout}. */
    public void drain(Duration timeout) {
        try {
            connection.drain(timeout).get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.atWarn().setCause(e).log("NATS drain did not finish cleanly");
        }
        close();
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
        return cause instanceof java.util.concurrent.TimeoutException ? "timed out" : String.valueOf(cause.getMessage());
    }
}
