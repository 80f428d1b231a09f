package dev.chatstream.pod.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CORS and cross-site request forgery for {@code /api}, on the {@code Origin} header a browser sets on every
 * cross-origin request and on every same-origin POST:
 * <ul>
 *   <li>no {@code Origin}: not a cross-origin browser request (curl, servers, a same-origin GET): passes;</li>
 *   <li>the request's own origin: passes. Own means the Origin's host and port equal the {@code Host}
 *   header; the scheme is not compared, as TLS usually ends at a proxy in front that keeps {@code Host};</li>
 *   <li>an origin in {@code CORS_ALLOWED_ORIGINS}: passes with the CORS headers that let that page read the
 *   answer and send credentials; its preflight is answered here (204);</li>
 *   <li>any other origin: 403 {@code forbidden_origin}, before authentication, so a page elsewhere cannot
 *   post, cancel or open a stream with the visitor's cookie. Preflights from it are refused too.</li>
 * </ul>
 */
public final class OriginCheck {
    static final String ALLOWED_METHODS = "GET, POST";
    static final String ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, Last-Event-ID";
    static final String EXPOSED_HEADERS = "Retry-After, WWW-Authenticate";
    /** How long a browser may cache a preflight answer. */
    static final String MAX_AGE_SECONDS = "600";

    private final Set<String> allowed;

    /** {@code allowed}: exact, normalized origins ({@code scheme://host[:port]}, lower case). */
    public OriginCheck(List<String> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        if (!allowed.isEmpty()) {
            // The answer depends on the Origin: shared caches must not hand one origin's answer to another.
            response.headers().add(HttpHeaders.VARY, "Origin");
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null || isOwn(origin, request.authority())) {
            ctx.next();
            return;
        }
        if (!allowed.contains(normalize(origin))) {
            ApiErrors.send(ctx, 403, "forbidden_origin", "requests from this origin are not allowed");
            return;
        }
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        if (request.method() == HttpMethod.OPTIONS && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null) {
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS)
                    .setStatusCode(204)
                    .end();
            return;
        }
        response.putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
        ctx.next();
    }

    /** Whether {@code origin} names the host the request was sent to ({@code authority}: the Host header). */
    static boolean isOwn(String origin, HostAndPort authority) {
        URI parsed = parse(origin);
        if (authority == null || parsed == null || parsed.getHost() == null) {
            return false;
        }
        int defaultPort = "https".equalsIgnoreCase(parsed.getScheme()) ? 443 : 80;
        int originPort = parsed.getPort() == -1 ? defaultPort : parsed.getPort();
        int ownPort = authority.port() == -1 ? defaultPort : authority.port();
        return parsed.getHost().equalsIgnoreCase(authority.host()) && originPort == ownPort;
    }

    private static String normalize(String origin) {
        URI parsed = parse(origin);
        if (parsed == null || parsed.getScheme() == null || parsed.getHost() == null) {
            return "";
        }
        return parsed.getScheme().toLowerCase(Locale.ROOT) + "://" + parsed.getHost().toLowerCase(Locale.ROOT)
                + (parsed.getPort() == -1 ? "" : ":" + parsed.getPort());
    }

    private static URI parse(String value) {
        try {
            return new URI(value);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
