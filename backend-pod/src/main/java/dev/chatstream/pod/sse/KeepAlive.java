package dev.chatstream.pod.sse;

import dev.chatstream.pod.routing.SessionRouter;
import dev.chatstream.pod.routing.RoutedConnection;
import io.vertx.core.Vertx;

import java.time.Duration;

/**
 * One timer for all connections: a comment line to every stream idle for half the keep-alive interval,
 * so no stream is silent longer than the interval (proxies and load balancers close silent ones).
 */
public final class KeepAlive {
    private KeepAlive() {
    }

    /** Starts the timer; returns its id. */
    public static long start(Vertx vertx, SessionRouter router, Duration interval) {
        long tick = Math.max(50, interval.toMillis() / 2);
        long idleNanos = Duration.ofMillis(tick).toNanos();
        return vertx.setPeriodic(tick, id -> {
            long now = System.nanoTime();
            for (RoutedConnection connection : router.connections()) {
                connection.sink().execute(() -> {
                    if (now - connection.lastWriteNanos() >= idleNanos && !connection.isClosed()) {
                        connection.writeRaw(SseFrames.KEEPALIVE);
                    }
                });
            }
        });
    }
}
