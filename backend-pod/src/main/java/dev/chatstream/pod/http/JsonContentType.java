package dev.chatstream.pod.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
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
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (isJson(contentType) || !mayCarryBody(request, contentType)) {
            ctx.next();
            return;
        }
        ApiErrors.send(ctx, 415, "unsupported_media_type", "the body must be sent as Content-Type: application/json");
    }

    /**
     * Whether the request announces a body: a non-zero {@code Content-Length} or a {@code Transfer-Encoding}
     * (HTTP/1.1 has no other way). An HTTP/2 request may stream a body without a length; there a declared
     * content type counts as announcing one, and a request with neither is taken as bodiless.
     */
    private static boolean mayCarryBody(HttpServerRequest request, String contentType) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !length.strip().equals("0");
        }
        if (request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            return true;
        }
        return request.version() == HttpVersion.HTTP_2 && contentType != null;
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
