package dev.chatstream.pod.http;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers on every response of the pod. The page loads only its own script, style and connections (no
 * inline script, so injected markup cannot run), may not be framed (clickjacking) and sends no referrer
 * (a session id in the page URL stays out of other sites' logs); {@code nosniff} keeps browsers from
 * reading a JSON error or a chunk as HTML.
 */
public final class SecurityHeaders {
    /** The page's policy; {@code data:} only for images (the empty favicon). */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
            + "object-src 'none'; form-action 'self'";

    private SecurityHeaders() {
    }

    public static void add(RoutingContext ctx) {
        MultiMap headers = ctx.response().headers();
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer")
                .set("X-Frame-Options", "DENY");
        ctx.next();
    }
}
