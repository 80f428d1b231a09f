package dev.chatstream.pod.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The one shape of every 4xx/5xx answer: {@code {"error":{"code":"<token>","message":"<text>"}}};
 * 503s carry {@code Retry-After}.
 */
public final class ApiErrors {
    /** Seconds a client should wait before retrying a 503. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private ApiErrors() {
    }

    public static void send(RoutingContext ctx, int status, String code, String message) {
        send(ctx.response(), status, code, message);
    }

    public static void send(HttpServerResponse response, int status, String code, String message) {
        if (response.ended() || response.closed() || response.headWritten()) {
            return;
        }
        if (status == 503 && !response.headers().contains("Retry-After")) {
            response.putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        String body = new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)).encode();
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(body);
    }

    /** Sends a JSON success body. */
    public static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(body.encode());
    }

    /** A router error handler answering {@code status} with {@code code}, for failures raised by vertx-web. */
    public static io.vertx.core.Handler<RoutingContext> handler(int status, String code, String message) {
        return ctx -> send(ctx, status, code, message);
    }
}
