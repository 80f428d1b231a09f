package dev.chatstream.worker.provider;

import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An incremental parser of {@code text/event-stream} bodies (the WHATWG rules that matter here):
 * lines end with LF, CRLF or CR; {@code event:} names the event, {@code data:} lines are joined with
 * LF; a blank line dispatches; comments ({@code :...}) and other fields are ignored. Bytes are
 * decoded per line, so a UTF-8 character split across network buffers stays intact.
 */
final class SseParser {

    /** Receives each complete event. */
    @FunctionalInterface
    interface EventHandler {
        void onEvent(String event, String data);
    }

    private final EventHandler handler;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private String event = "";
    private boolean hasData;
    private boolean lastWasCr;

    SseParser(EventHandler handler) {
        this.handler = handler;
    }

    void feed(Buffer buffer) {
        byte[] bytes = buffer.getBytes();
        for (byte b : bytes) {
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\n' || b == '\r') {
                processLine(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    /** Whether bytes of an unfinished line or event are buffered. */
    boolean hasPartialEvent() {
        return line.size() > 0 || hasData;
    }

    private void processLine(String text) {
        if (text.isEmpty()) {
            if (hasData) {
                String payload = data.toString();
                String name = event;
                data.setLength(0);
                hasData = false;
                event = "";
                handler.onEvent(name, payload);
            } else {
                event = "";
            }
            return;
        }
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            default -> {
                // id, retry and unknown fields do not matter for provider streams.
            }
        }
    }
}
