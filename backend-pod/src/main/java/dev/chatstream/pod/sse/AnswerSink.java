package dev.chatstream.pod.sse;

import dev.chatstream.pod.routing.ClientSink;
import io.vertx.core.buffer.Buffer;

import java.util.function.BooleanSupplier;

/**
 * An AI SDK response carries one answer: once its last event ({@code data: [DONE]}) is written the response
 * ends (the client's stream reader finishes), and the close releases the connection like any other.
 *
 * <p>The connection is attached before its message is published, and a refusal of the publish (409, 429, 503)
 * is an ordinary JSON error, which needs the response head unsent. So until the head is out ({@code started}:
 * the publish was accepted, or the answer's first event came), writes that carry nothing for the client — a
 * keep-alive comment, the empty encoding of another answer of the session — are dropped instead of sending a
 * 200 head.
 */
final class AnswerSink implements ClientSink {
    private final ClientSink response;
    private final BooleanSupplier started;

    AnswerSink(ClientSink response, BooleanSupplier started) {
        this.response = response;
        this.started = started;
    }

    @Override
    public void execute(Runnable task) {
        response.execute(task);
    }

    @Override
    public Object thread() {
        return response.thread();
    }

    @Override
    public void write(Buffer bytes) {
        if (!started.getAsBoolean() && (bytes.length() == 0 || bytes.getByte(0) == ':')) {
            return;
        }
        if (UiMessageStreamEncoder.endsStream(bytes)) {
            response.close(bytes);
        } else {
            response.write(bytes);
        }
    }

    @Override
    public boolean writeQueueFull() {
        return response.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable task) {
        response.onDrain(task);
    }

    @Override
    public void close(Buffer lastBytes) {
        response.close(lastBytes);
    }

    @Override
    public void abort() {
        response.abort();
    }
}
