package dev.chatstream.pod.app;

import dev.chatstream.pod.config.HttpSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** One HTTP listener on the pod's port; several instances share the port, one per event loop. */
final class HttpVerticle extends VerticleBase {
    private final HttpSettings settings;
    private final PodRoutes routes;
    private HttpServer server;

    HttpVerticle(HttpSettings settings, PodRoutes routes) {
        this.settings = settings;
        this.routes = routes;
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(settings.host())
                .setPort(settings.port())
                .setCompressionSupported(false)
                .setTcpNoDelay(true);
        server = vertx.createHttpServer(options);
        return server.requestHandler(routes.build(vertx)).listen();
    }

    int actualPort() {
        return server.actualPort();
    }
}
