package dev.chatstream.pod.sse;

import dev.chatstream.pod.routing.ClientSink;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Adapts a chunked HTTP response on its event loop to the router's {@link ClientSink}. Over HTTP/2 one
 * connection carries many streams (a browser's tabs, or a proxy's clients), so a slow stream is reset
 * alone instead of closing the connection under the others.
 */
final class ResponseSink implements ClientSink {
    private final HttpServerResponse response;
    private final HttpConnection connection;
    private final Context context;
    private final boolean multiplexed;

    ResponseSink(HttpServerResponse response, HttpConnection connection, Context context, boolean multiplexed) {
        this.response = response;
        this.connection = connection;
        this.context = context;
        this.multiplexed = multiplexed;
    }

    @Override
    public void execute(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    /** The event loop: requests run on duplicated contexts, so the context itself differs per stream. */
    @Override
    public Object thread() {
        return context instanceof ContextInternal internal ? internal.nettyEventLoop() : context;
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
        if (multiplexed) {
            // RST_STREAM: drops what is queued for this stream only; the connection's other streams go on.
            response.reset();
            return;
        }
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
