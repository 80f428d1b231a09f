package dev.chatstream.loadtest.bench;

import dev.chatstream.loadtest.sse.SseEvent;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The load generator's SSE parser before {@code SseScanner} (copy of the buffer, byte-by-byte
 * line gathering, Strings per field, one {@link SseEvent} per event), kept only as the baseline
 * of {@link SseClientBenchmark}.
 */
final class LegacySseParser {
    private final Consumer<SseEvent> events;
    private byte[] line = new byte[512];
    private int lineLength;
    private boolean lastWasCr;
    private String event;
    private String id;
    private StringBuilder data;

    LegacySseParser(Consumer<SseEvent> events) {
        this.events = events;
    }

    void feed(Buffer buffer) {
        for (byte b : buffer.getBytes()) {
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
            if (data != null) {
                events.accept(new SseEvent(event == null ? "message" : event, id, data.toString()));
            }
            event = null;
            id = null;
            data = null;
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
}
