package dev.chatstream.pod.sse;

import dev.chatstream.pod.routing.SessionRouter;
import dev.chatstream.pod.routing.Subscriber;
import io.vertx.core.Handler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Detaches a stream from the router and gives its connection slot back, once, whichever of the response's
 * close, end or exception comes first. One small object per held stream (instead of a flag and a closure
 * per handler). Runs on the stream's event loop.
 */
final class StreamRelease implements Handler<Void> {
    private final SessionRouter router;
    private final Subscriber subscriber;
    private final AtomicInteger activeConnections;
    private boolean released;

    StreamRelease(SessionRouter router, Subscriber subscriber, AtomicInteger activeConnections) {
        this.router = router;
        this.subscriber = subscriber;
        this.activeConnections = activeConnections;
    }

    @Override
    public void handle(Void ignored) {
        if (!released) {
            released = true;
            subscriber.release();
            router.detach(subscriber);
            activeConnections.decrementAndGet();
        }
    }
}
