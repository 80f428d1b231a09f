package dev.chatstream.pod.app;

import dev.chatstream.pod.config.HttpSettings;
import dev.chatstream.pod.http.ApiErrors;
import dev.chatstream.pod.http.OpsHandlers;
import dev.chatstream.pod.http.RequestHeadTimeout;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.util.concurrent.TimeUnit;

/**
 * The management listener on {@code MANAGEMENT_PORT}: {@code /metrics}, {@code /api/health}, {@code /livez}
 * and {@code /readyz} for kubelet probes and Prometheus. The Ingress routes only the public port, so what
 * the pod tells about itself (NATS server, connection counts, every metric) stays inside the cluster.
 */
final class ManagementVerticle extends VerticleBase {
    private final HttpSettings settings;
    private final OpsHandlers ops;
    private HttpServer server;

    ManagementVerticle(HttpSettings settings, OpsHandlers ops) {
        this.settings = settings;
        this.ops = ops;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            ctx.response().putHeader("X-Content-Type-Options", "nosniff");
            ctx.next();
        });
        router.get("/metrics").handler(ops::metrics);
        router.get("/api/health").handler(ops::health);
        router.get("/livez").handler(ops::livez);
        router.get("/readyz").handler(ops::readyz);
        router.errorHandler(404, ApiErrors.handler(404, "not_found", "no such resource"));
        router.errorHandler(405, ApiErrors.handler(405, "method_not_allowed", "method not allowed on this resource"));
        router.errorHandler(500, ApiErrors.handler(500, "internal_error", "internal error"));
        server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(settings.host())
                .setPort(settings.managementPort())
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, settings.idleTimeout().toMillis())));
        RequestHeadTimeout heads = new RequestHeadTimeout(vertx, settings.headerTimeout());
        return server.connectionHandler(heads::connected).requestHandler(heads.requests(router)).listen();
    }

    int actualPort() {
        return server.actualPort();
    }
}
