package dev.chatstream.loadtest.sse;

import io.vertx.core.buffer.Buffer;

import java.util.function.Consumer;

/**
 * Incremental {@code text/event-stream} parser handing out {@link SseEvent} records: the
 * {@link SseScanner} rules, with each event copied to Strings (convenient, allocates per event;
 * the load generator's hot path uses {@link SseScanner} directly).
 * Not thread-safe: one per connection, used on that connection's event loop.
 */
public final class SseParser {
    private final SseScanner scanner;

    public SseParser(Consumer<SseEvent> events) {
        this.scanner = new SseScanner(frame -> events.accept(new SseEvent(frame.event(), frame.id(), frame.data())));
    }

    /** Feeds bytes of the body. */
    public void feed(Buffer buffer) {
        scanner.feed(buffer);
    }

    /** Feeds bytes of the body. */
    public void feed(byte[] bytes) {
        scanner.feed(bytes, 0, bytes.length);
    }
}
