package dev.chatstream.pod.routing;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;

/**
 * One open client stream as the router sees it: a session, a sink, and a way to hand it batches. What it
 * does with them (de-duplication, replay, repair) is its own business.
 */
public interface RoutedConnection {

    String sessionId();

    /** The sink the stream writes to; {@link ClientSink#execute} runs a task on its thread. */
    ClientSink sink();

    /** Any thread: hands a live batch to the connection. */
    void offer(Batch batch);

    /**
     * On the sink's thread: hands live batches over and writes them now, after any {@link #offer}ed earlier
     * (a {@link DeliveryRound}).
     */
    void deliver(ArrayDeque<Batch> batches);

    /** On the sink's thread: writes {@code lastBytes} (e.g. a retry hint) and closes the stream. */
    void close(Buffer lastBytes);

    /** Whether the stream is closed (any thread). */
    boolean isClosed();

    /** {@link System#nanoTime} of the last write, on the sink's thread; for keep-alives. */
    long lastWriteNanos();

    /** On the sink's thread: bytes outside the chunk flow (a keep-alive comment). */
    void writeRaw(Buffer bytes);
}
