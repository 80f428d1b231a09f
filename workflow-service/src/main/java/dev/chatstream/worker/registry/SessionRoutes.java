package dev.chatstream.worker.registry;

import io.vertx.core.Vertx;

import java.time.Duration;

/** Opens a {@link SessionRoute} per answer, sharing the registry and the heartbeat tracker. */
public final class SessionRoutes {
    private final Vertx vertx;
    private final SessionRegistry registry;
    private final HeartbeatTracker heartbeats;
    private final long rereadMs;

    public SessionRoutes(Vertx vertx, SessionRegistry registry, HeartbeatTracker heartbeats, Duration reread) {
        this.vertx = vertx;
        this.registry = registry;
        this.heartbeats = heartbeats;
        this.rereadMs = Math.max(1, reread.toMillis());
    }

    /** Call on the answer's context; then {@link SessionRoute#start()}. */
    public SessionRoute open(String sessionId) {
        return new SessionRoute(vertx, registry, heartbeats, sessionId, rereadMs);
    }
}
