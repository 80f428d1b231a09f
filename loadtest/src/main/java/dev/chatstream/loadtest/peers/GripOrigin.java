package dev.chatstream.loadtest.peers;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * The application behind Pushpin: answers every {@code GET /stream/<channel>} with GRIP instructions
 * ({@code Grip-Hold: stream}, {@code Grip-Channel: <channel>}), so Pushpin holds the client's response
 * open and streams to it whatever is published to that channel.
 */
final class GripOrigin {
    private static final String PREFIX = "/stream/";

    private GripOrigin() {
    }

    static Future<HttpServer> start(Vertx vertx, int port) {
        return vertx.createHttpServer().requestHandler(request -> {
            String path = request.path();
            if (!path.startsWith(PREFIX) || path.length() == PREFIX.length()) {
                request.response().setStatusCode(404).end();
                return;
            }
            request.response()
                    .putHeader("Content-Type", "text/event-stream")
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("Grip-Hold", "stream")
                    .putHeader("Grip-Channel", path.substring(PREFIX.length()))
                    .end(":open\n\n");
        }).listen(port, "127.0.0.1");
    }
}
