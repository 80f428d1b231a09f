package dev.chatstream.worker.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerRequest;

import java.util.function.BooleanSupplier;

/** The operator's port ({@code HTTP_PORT}): {@code /livez}, {@code /readyz} and {@code /metrics}. */
final class OpsHttpServer extends VerticleBase {
    private final int port;
    private final BooleanSupplier ready;
    private final PrometheusMeterRegistry registry;

    OpsHttpServer(int port, BooleanSupplier ready, PrometheusMeterRegistry registry) {
        this.port = port;
        this.ready = ready;
        this.registry = registry;
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer().requestHandler(this::handle).listen(port, "0.0.0.0");
    }

    private void handle(HttpServerRequest request) {
        switch (request.path()) {
            case "/livez" -> request.response().end("ok\n");
            case "/readyz" -> {
                boolean ok = ready.getAsBoolean();
                request.response().setStatusCode(ok ? 200 : 503).end(ok ? "ready\n" : "not ready\n");
            }
            case "/metrics" -> vertx.executeBlocking(registry::scrape)
                    .onSuccess(text -> request.response()
                            .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(text))
                    .onFailure(err -> request.response().setStatusCode(500).end());
            default -> request.response().setStatusCode(404).end();
        }
    }
}
