package dev.chatstream.pod.sse;

import dev.chatstream.pod.routing.ClientSink;
import io.vertx.core.buffer.Buffer;

/**
 * An AI SDK response carries one answer: once its last event ({@code data: [DONE]}) is written the response
 * ends (the client's stream reader finishes), and the close releases the connection like any other.
 */
final class AnswerSink implements ClientSink {
    private final ClientSink response;

    AnswerSink(ClientSink response) {
        this.response = response;
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
