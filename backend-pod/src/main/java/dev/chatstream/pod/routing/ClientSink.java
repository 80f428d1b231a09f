package dev.chatstream.pod.routing;

import io.vertx.core.buffer.Buffer;

/**
 * One open stream to a client as the router sees it: bytes in, back-pressure out. The SSE transport
 * adapts an HTTP response to this; tests use a fake. Every method except {@link #execute} must be called
 * on the sink's own thread.
 */
public interface ClientSink {

    /** Runs {@code task} on the thread that owns this sink (its event loop). Callable from any thread. */
    void execute(Runnable task);

    /**
     * What identifies the thread that owns this sink: sinks with the same one may be served by one task
     * ({@link #execute} of any of them). Each sink is its own by default.
     */
    default Object thread() {
        return this;
    }

    /** Queues {@code bytes} for the client. */
    void write(Buffer bytes);

    /** Whether more than the per-connection buffer is queued. */
    boolean writeQueueFull();

    /** Runs {@code task} once the queue has drained below its bound. */
    void onDrain(Runnable task);

    /** Writes {@code lastBytes} (may be empty) and ends the stream; the client will reconnect. */
    void close(Buffer lastBytes);

    /** Drops the connection at once, discarding what is queued (a client too slow to keep up). */
    void abort();
}
