package dev.chatstream.pod.sse;

import dev.chatstream.pod.routing.SseSink;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Adapts a chunked HTTP response on its event loop to the router's {@link SseSink}. */
final class ResponseSink implements SseSink {
    private final HttpServerResponse response;
    private final Context context;

    ResponseSink(HttpServerResponse response, Context context) {
        this.response = response;
        this.context = context;
    }

    @Override
    public void execute(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    @Override
    public void write(Buffer bytes) {
        if (!response.closed() && !response.ended()) {
            response.write(bytes);
        }
    }

    @Override
    public boolean writeQueueFull() {
        return response.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable task) {
        response.drainHandler(v -> task.run());
    }

    @Override
    public void close(Buffer lastBytes) {
        if (response.closed() || response.ended()) {
            return;
        }
        if (lastBytes.length() > 0) {
            response.end(lastBytes);
        } else {
            response.end();
        }
    }

    @Override
    public void abort() {
        if (!response.closed()) {
            response.reset();
        }
    }
}
