package dev.chatstream.pod.http;

import dev.chatstream.pod.lifecycle.Lifecycle;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.nats.PodNats;
import dev.chatstream.pod.registry.SessionRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.function.IntSupplier;

/** {@code /livez}, {@code /readyz}, {@code /api/health} and {@code /metrics}. */
public final class OpsHandlers {
    private final String podId;
    private final Lifecycle lifecycle;
    private final PodNats nats;
    private final SessionRegistry registry;
    private final PodMetrics metrics;
    private final IntSupplier activeConnections;

    public OpsHandlers(String podId, Lifecycle lifecycle, PodNats nats, SessionRegistry registry, PodMetrics metrics,
                       IntSupplier activeConnections) {
        this.podId = podId;
        this.lifecycle = lifecycle;
        this.nats = nats;
        this.registry = registry;
        this.metrics = metrics;
        this.activeConnections = activeConnections;
    }

    /** 200 while the process runs. */
    public void livez(RoutingContext ctx) {
        ApiErrors.json(ctx, 200, new JsonObject().put("status", "alive"));
    }

    /** 200 when the pod takes traffic; 503 while draining or while NATS is disconnected. */
    public void readyz(RoutingContext ctx) {
        if (lifecycle.ready()) {
            ApiErrors.json(ctx, 200, new JsonObject().put("status", "ready"));
        } else {
            ApiErrors.send(ctx, 503, lifecycle.draining() ? "draining" : "nats_unavailable",
                    lifecycle.draining() ? "the pod is shutting down" : "NATS is disconnected");
        }
    }

    public void health(RoutingContext ctx) {
        ApiErrors.json(ctx, 200, new JsonObject()
                .put("pod_id", podId)
                .put("status", lifecycle.status())
                .put("nats", new JsonObject().put("connected", nats.connected()).put("server", nats.connectedServer()))
                .put("redis", new JsonObject().put("enabled", registry.enabled()).put("reachable", registry.reachable()))
                .put("active_connections", activeConnections.getAsInt()));
    }

    public void metrics(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
    }
}
