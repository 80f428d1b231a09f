package dev.chatstream.pod.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/**
 * A POST that carries a body must say {@code Content-Type: application/json} (a {@code charset=utf-8}
 * parameter is fine), else 415 {@code unsupported_media_type}. Besides naming the format, this shuts out
 * cross-site HTML forms: a form can only send {@code text/plain}, urlencoded or multipart bodies, and a
 * script on another origin that sets {@code application/json} must pass a CORS preflight first. A POST
 * without a body (a cancel) needs no type.
 */
public final class JsonContentType {
    private JsonContentType() {
    }

    public static void require(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!hasBody(request) || isJson(request.getHeader(HttpHeaders.CONTENT_TYPE))) {
            ctx.next();
            return;
        }
        ApiErrors.send(ctx, 415, "unsupported_media_type", "the body must be sent as Content-Type: application/json");
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !length.strip().equals("0");
        }
        // HTTP/1.1 chunked bodies announce themselves; an HTTP/2 request without a length may still stream one.
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
                || (request.version() == io.vertx.core.http.HttpVersion.HTTP_2 && !request.isEnded());
    }

    /** {@code application/json}, with no parameter but a UTF-8 charset (JSON is UTF-8, RFC 8259). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().toLowerCase(Locale.ROOT).equals("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip().toLowerCase(Locale.ROOT).replace("\"", "");
            if (!parameter.isEmpty() && !parameter.replace(" ", "").equals("charset=utf-8")) {
                return false;
            }
        }
        return true;
    }
}
