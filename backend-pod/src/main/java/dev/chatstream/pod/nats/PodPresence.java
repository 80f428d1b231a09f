package dev.chatstream.pod.nats;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.schemas.HealthResponse;
import dev.chatstream.schemas.HeartbeatMessage;
import dev.chatstream.subjects.Subjects;
import io.nats.client.Dispatcher;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The pod's presence on NATS: a {@link HeartbeatMessage} on {@code chat.pod.{podId}.heartbeat} (sent by
 * a timer calling {@link #heartbeat()}) and {@link HealthResponse} replies on {@code chat.pod.{podId}.health}.
 */
public final class PodPresence {
    private final PodNats nats;
    private final String podId;
    private final IntSupplier activeConnections;
    private final Supplier<String> status;
    private final PodMetrics metrics;
    private final Supplier<Boolean> registryOk;
    private final MessageCodec codec = MessageCodec.standard();
    private Dispatcher dispatcher;

    /**
     * @param registryOk whether the session registry's writes work, null when there is no registry; sent in
     *                   each heartbeat so workers broadcast while it is false
     */
    public PodPresence(PodNats nats, String podId, IntSupplier activeConnections, Supplier<String> status,
                       Supplier<Boolean> registryOk, PodMetrics metrics) {
        this.registryOk = registryOk;
        this.nats = nats;
        this.podId = podId;
        this.activeConnections = activeConnections;
        this.status = status;
        this.metrics = metrics;
    }

    /** Starts answering health requests. */
    public void start() throws Exception {
        dispatcher = nats.connection().createDispatcher();
        dispatcher.subscribe(Subjects.podHealth(podId), request -> {
            metrics.natsReceived("health");
            if (request.getReplyTo() != null) {
                HealthResponse response = new HealthResponse(podId, status.get(), activeConnections.getAsInt(), Instant.now());
                nats.publish(request.getReplyTo(), codec.encode(response), "health_reply");
            }
        });
        nats.connection().flush(java.time.Duration.ofSeconds(5));
    }

    /** Publishes one heartbeat (skipped while disconnected). */
    public void heartbeat() {
        Runtime runtime = Runtime.getRuntime();
        double usedMb = (runtime.totalMemory() - runtime.freeMemory()) / (1024.0 * 1024.0);
        double cpu = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = Math.max(0, os.getProcessCpuLoad() * 100.0);
        }
        HeartbeatMessage message = new HeartbeatMessage(podId, Instant.now(), activeConnections.getAsInt(),
                Math.round(usedMb * 10) / 10.0, Math.round(cpu * 10) / 10.0, registryOk.get());
        nats.publish(Subjects.podHeartbeat(podId), codec.encode(message), "heartbeat");
    }
}
