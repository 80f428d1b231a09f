package dev.chatstream.worker.provider;

import dev.chatstream.testkit.FreePorts;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A local HTTP server standing in for a provider; each test sets what it answers. */
final class FakeProviderServer implements AutoCloseable {
    private final HttpServer server;
    private final int port;
    volatile Handler<Exchange> behaviour = ex -> ex.request().response().setStatusCode(500).end();
    volatile Exchange last;
    final AtomicInteger calls = new AtomicInteger();

    /** One request with its body read. */
    record Exchange(HttpServerRequest request, JsonObject body) {
        void sse(String... events) {
            request.response().setChunked(true).putHeader("content-type", "text/event-stream");
            for (String event : events) {
                request.response().write(event);
            }
        }
    }

    FakeProviderServer(Vertx vertx) throws Exception {
        this.port = FreePorts.next();
        this.server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess((Buffer body) -> {
            calls.incrementAndGet();
            Exchange ex = new Exchange(req, body.length() == 0 ? new JsonObject() : body.toJsonObject());
            last = ex;
            behaviour.handle(ex);
        }));
        CompletableFuture<Void> started = new CompletableFuture<>();
        server.listen(port, "127.0.0.1").onComplete(ar -> {
            if (ar.succeeded()) {
                started.complete(null);
            } else {
                started.completeExceptionally(ar.cause());
            }
        });
        started.get(10, TimeUnit.SECONDS);
    }

    URI base(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() {
        server.close();
    }
}
