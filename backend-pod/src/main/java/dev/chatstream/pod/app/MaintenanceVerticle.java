package dev.chatstream.pod.app;

import dev.chatstream.pod.nats.PodPresence;
import dev.chatstream.pod.registry.SessionRegistry;
import dev.chatstream.pod.routing.SessionRouter;
import dev.chatstream.pod.sse.KeepAlive;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.time.Duration;

/** The pod's periodic work: heartbeats, keep-alive comments, registry refreshes. Undeploying stops all of it. */
final class MaintenanceVerticle extends VerticleBase {
    private final PodPresence presence;
    private final Duration heartbeatInterval;
    private final SessionRegistry registry;
    private final SessionRouter router;
    private final Duration keepAlive;

    MaintenanceVerticle(PodPresence presence, Duration heartbeatInterval, SessionRegistry registry, SessionRouter router,
                        Duration keepAlive) {
        this.presence = presence;
        this.heartbeatInterval = heartbeatInterval;
        this.registry = registry;
        this.router = router;
        this.keepAlive = keepAlive;
    }

    @Override
    public Future<?> start() {
        registry.start();
        KeepAlive.start(vertx, router, keepAlive);
        presence.heartbeat();
        vertx.setPeriodic(heartbeatInterval.toMillis(), id -> presence.heartbeat());
        return Future.succeededFuture();
    }
}
