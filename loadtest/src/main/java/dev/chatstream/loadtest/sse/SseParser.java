package dev.chatstream.loadtest.sse;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Incremental {@code text/event-stream} parser (WHATWG rules): feed it the response body as it
 * arrives, in any slicing, and it hands out complete events. Comment lines ({@code :keep-alive})
 * and blocks without data are skipped; {@code \n}, {@code \r\n} and {@code \r} all end a line.
 * Not thread-safe: one per connection, used on that connection's event loop.
 */
public final class SseParser {
    private final Consumer<SseEvent> events;
    private byte[] line = new byte[512];
    private int lineLength;
    private boolean lastWasCr;
    private String event;
    private String id;
    private StringBuilder data;

    public SseParser(Consumer<SseEvent> events) {
        this.events = events;
    }

    /** Feeds bytes of the body. */
    public void feed(Buffer buffer) {
        feed(buffer.getBytes());
    }

    /** Feeds bytes of the body. */
    public void feed(byte[] bytes) {
        for (byte b : bytes) {
            feed(b);
        }
    }

    private void feed(byte b) {
        if (b == '\n') {
            if (lastWasCr) {
                lastWasCr = false;
                return;
            }
            endLine();
        } else if (b == '\r') {
            lastWasCr = true;
            endLine();
        } else {
            lastWasCr = false;
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[lineLength++] = b;
        }
    }

    private void endLine() {
        if (lineLength == 0) {
            dispatch();
            return;
        }
        if (line[0] != ':') {
            field();
        }
        lineLength = 0;
    }

    private void field() {
        int colon = -1;
        for (int i = 0; i < lineLength; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        int nameEnd = colon < 0 ? lineLength : colon;
        int valueStart = colon < 0 ? lineLength : colon + 1;
        if (valueStart < lineLength && line[valueStart] == ' ') {
            valueStart++;
        }
        String value = new String(line, valueStart, lineLength - valueStart, StandardCharsets.UTF_8);
        if (is("data", nameEnd)) {
            if (data == null) {
                data = new StringBuilder(value.length());
            } else {
                data.append('\n');
            }
            data.append(value);
        } else if (is("id", nameEnd)) {
            id = value;
        } else if (is("event", nameEnd)) {
            event = value;
        }
        // "retry" and unknown fields are ignored.
    }

    private boolean is(String name, int nameEnd) {
        if (nameEnd != name.length()) {
            return false;
        }
        for (int i = 0; i < nameEnd; i++) {
            if (line[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void dispatch() {
        if (data != null) {
            events.accept(new SseEvent(event == null ? "message" : event, id, data.toString()));
        }
        event = null;
        id = null;
        data = null;
    }
}
