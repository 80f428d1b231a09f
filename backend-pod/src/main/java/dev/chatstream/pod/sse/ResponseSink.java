package dev.chatstream.pod.sse;

import dev.chatstream.pod.routing.SseSink;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;

/** Adapts a chunked HTTP response on its event loop to the router's {@link SseSink}. */
final class ResponseSink implements SseSink {
    private final HttpServerResponse response;
    private final HttpConnection connection;
    private final Context context;

    ResponseSink(HttpServerResponse response, HttpConnection connection, Context context) {
        this.response = response;
        this.connection = connection;
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
        // Vert.x queues a close behind the data still waiting for this client, which is exactly what it does
        // not read. Closing from the head of the Netty pipeline bypasses that queue and discards it; Vert.x
        // still sees the channel go inactive and runs the close handlers.
        if (connection instanceof ConnectionBase base && base.channel().pipeline().firstContext() != null) {
            base.channel().pipeline().firstContext().close();
        } else {
            connection.close();
        }
    }
}
