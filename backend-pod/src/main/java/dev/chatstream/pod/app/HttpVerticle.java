package dev.chatstream.pod.app;

import dev.chatstream.pod.config.HttpSettings;
import dev.chatstream.pod.http.RequestHeadTimeout;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.concurrent.TimeUnit;

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
     *   <li>An idle timeout ({@code HTTP_IDLE_TIMEOUT}): a connection that neither reads nor writes that long
     *   is closed. Idle SSE streams write a keep-alive more often (checked at start-up), so they live on.</li>
     *   <li>HTTP/2 cleartext (h2c, prior knowledge or upgrade) only when {@code HTTP2_CLEARTEXT=true}: proxies in
     *   front speak HTTP/1.1, and an unused protocol is surface for nothing.</li>
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
                .setDecoderInitialBufferSize(DECODER_INITIAL_BUFFER_BYTES)
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, settings.idleTimeout().toMillis()))
                .setHttp2ClearTextEnabled(settings.http2ClearText());
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(options(settings));
        RequestHeadTimeout heads = new RequestHeadTimeout(vertx, settings.headerTimeout());
        return server.connectionHandler(heads::connected)
                .requestHandler(heads.requests(routes.build(vertx)))
                .listen();
    }

    int actualPort() {
        return server.actualPort();
    }
}
