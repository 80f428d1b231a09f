package dev.chatstream.pod.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes a connection that has not delivered a complete request head within {@code HTTP_HEADER_TIMEOUT} of
 * opening (slowloris: many connections each sending nothing, or trickling a header line now and then). Vert.x
 * has no header-read timeout of its own; its idle timeout also ends such a connection (a partial head
 * never reaches the idle watch), but that timeout must stay long, above the SSE keep-alive interval and
 * the keep-alive time of the proxies in front, so a head gets the much shorter deadline here. A connection
 * is watched only until its first request arrives, so held SSE streams cost nothing here; later requests on
 * a kept-alive connection are bounded by the idle timeout.
 */
public final class RequestHeadTimeout {
    private final Vertx vertx;
    private final long timeoutMillis;
    private final Map<HttpConnection, Long> waiting = new ConcurrentHashMap<>();

    public RequestHeadTimeout(Vertx vertx, Duration timeout) {
        this.vertx = vertx;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
    }

    /** The listener's connection handler: starts the connection's clock. */
    public void connected(HttpConnection connection) {
        // On the connection's event loop, so the timer fires there too.
        long timer = vertx.setTimer(timeoutMillis, id -> {
            if (waiting.remove(connection) != null) {
                connection.close();
            }
        });
        waiting.put(connection, timer);
    }

    /** Wraps the listener's request handler: a request whose head arrived stops its connection's clock. */
    public Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
        return request -> {
            Long timer = waiting.remove(request.connection());
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
            next.handle(request);
        };
    }
}
