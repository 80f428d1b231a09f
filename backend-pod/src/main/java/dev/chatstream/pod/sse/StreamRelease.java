package dev.chatstream.pod.sse;

import dev.chatstream.pod.routing.SessionRouter;
import dev.chatstream.pod.resume.ClientConnection;
import io.vertx.core.Handler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Detaches a stream from the router and gives its connection slot back, once, whichever of the response's
 * close, end or exception comes first. One small object per held stream (instead of a flag and a closure
 * per handler). Runs on the stream's event loop.
 */
final class StreamRelease implements Handler<Void> {
    private final SessionRouter router;
    private final ClientConnection connection;
    private final AtomicInteger activeConnections;
    private boolean released;

    StreamRelease(SessionRouter router, ClientConnection connection, AtomicInteger activeConnections) {
        this.router = router;
        this.connection = connection;
        this.activeConnections = activeConnections;
    }

    @Override
    public void handle(Void ignored) {
        if (!released) {
            released = true;
            connection.release();
            router.detach(connection);
            activeConnections.decrementAndGet();
        }
    }
}
