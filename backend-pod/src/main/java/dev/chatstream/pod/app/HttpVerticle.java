package dev.chatstream.pod.app;

import dev.chatstream.pod.config.HttpSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** One HTTP listener on the pod's port; several instances share the port, one per event loop. */
final class HttpVerticle extends VerticleBase {
    static final int DECODER_INITIAL_BUFFER_BYTES = 64;
    private final HttpSettings settings;
    private final PodRoutes routes;
    private HttpServer server;

    HttpVerticle(HttpSettings settings, PodRoutes routes) {
        this.settings = settings;
        this.routes = routes;
    }

    /**
     * The listener's options. Every idle SSE stream is a connection held for minutes, so what Vert.x
     * allocates per connection is what bounds the streams a pod can hold:
     * <ul>
     *   <li>Strict thread mode: the pod touches a request and its response only on the connection's own
     *   event loop (handlers, future callbacks bound to the request's context, and {@code ClientSink.execute}
     *   for everything coming from NATS or worker threads). Then Vert.x writes straight to the channel
     *   instead of giving every connection a multi-producer outbound queue, whose first chunk (a
     *   1025-slot array, ~4.1 KiB, plus a padded ~0.6 KiB queue object) was a third of a connection's
     *   memory. A write from any other thread now fails with an {@code IllegalStateException} instead of
     *   being queued.</li>
     *   <li>No WebSocket compression: the pod serves no WebSockets, and offering compression puts an
     *   extension handler into every connection's pipeline.</li>
     *   <li>A 64-byte initial request-line/header scratch buffer (Vert.x default 128): the decoder keeps it
     *   for the connection's life and grows it to the longest header line it has seen (64 is Netty's
     *   smallest growth step), so only clients whose lines all fit 64 bytes hold less; no one holds more.</li>
     * </ul>
     */
    static HttpServerOptions options(HttpSettings settings) {
        return new HttpServerOptions()
                .setHost(settings.host())
                .setPort(settings.port())
                .setCompressionSupported(false)
                .setTcpNoDelay(true)
                .setStrictThreadMode(true)
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false)
                .setDecoderInitialBufferSize(DECODER_INITIAL_BUFFER_BYTES);
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(options(settings));
        return server.requestHandler(routes.build(vertx)).listen();
    }

    int actualPort() {
        return server.actualPort();
    }
}
