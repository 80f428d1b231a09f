package dev.chatstream.worker.registry;

import io.vertx.core.Context;

import java.time.Duration;

/** Opens a {@link SessionRoute} per answer, sharing the registry and the heartbeat tracker. */
public final class SessionRoutes {
    private final SessionRegistry registry;
    private final HeartbeatTracker heartbeats;
    private final long rereadMs;

    public SessionRoutes(SessionRegistry registry, HeartbeatTracker heartbeats, Duration reread) {
        this.registry = registry;
        this.heartbeats = heartbeats;
        this.rereadMs = Math.max(1, reread.toMillis());
    }

    /** A route for an answer running on {@code context}; then {@link SessionRoute#start()} on that context. */
    public SessionRoute open(Context context, String sessionId) {
        return new SessionRoute(registry, heartbeats, sessionId, RouteRereads.of(this, context, registry, rereadMs));
    }
}
