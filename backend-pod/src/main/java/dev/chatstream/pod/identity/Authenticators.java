package dev.chatstream.pod.identity;

import dev.chatstream.pod.config.AuthSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;

import java.util.Optional;

/** The {@link Authenticator} of each {@code AUTH_MODE}. */
public final class Authenticators {
    /** The cookie carrying a guest identity. */
    public static final String GUEST_COOKIE = "chat_guest";
    /** The cookie a site may set with its JWT for {@code EventSource}, which cannot send headers. */
    public static final String TOKEN_COOKIE = "chat_token";
    /** RFC 6750 §2.3 query parameter, for {@code EventSource} clients without cookies. */
    public static final String TOKEN_QUERY = "access_token";
    /** Browsers cap cookie lifetimes at 400 days; a guest keeps their id that long without a visit. */
    static final long GUEST_COOKIE_MAX_AGE_SECONDS = 400L * 24 * 3600;

    private Authenticators() {
    }

    /** The authenticator for {@code settings.mode()}; {@code guestSecret} is the resolved guest secret. */
    public static Authenticator create(AuthSettings settings, byte[] guestSecret, Vertx vertx) {
        return switch (settings.mode()) {
            case NONE -> Authenticator.anonymous();
            case GUEST -> guest(new GuestTokens(guestSecret), settings.cookieSecure());
            case JWT -> jwt(JwtVerifier.create(settings), vertx);
        };
    }

    /**
     * Guest mode: the user id in a valid {@code chat_guest} cookie, else a new id whose cookie is set on the
     * response. Never fails: a forged or stale cookie is replaced, not refused.
     */
    static Authenticator guest(GuestTokens tokens, boolean secure) {
        return request -> {
            Cookie cookie = request.getCookie(GUEST_COOKIE);
            Optional<String> known = cookie == null ? Optional.empty() : tokens.verify(cookie.getValue());
            if (known.isPresent()) {
                return Future.succeededFuture(known);
            }
            String userId = GuestTokens.newUserId();
            request.response().addCookie(Cookie.cookie(GUEST_COOKIE, tokens.issue(userId))
                    .setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.LAX).setSecure(secure)
                    .setMaxAge(GUEST_COOKIE_MAX_AGE_SECONDS));
            return Future.succeededFuture(Optional.of(userId));
        };
    }

    /** JWT mode: the {@code sub} of the token in the header, the cookie or the query, in that order. */
    static Authenticator jwt(JwtVerifier verifier, Vertx vertx) {
        return request -> {
            String token = token(request);
            if (token == null) {
                return Future.failedFuture(AuthFailure.missing());
            }
            if (!verifier.mayBlock()) {
                try {
                    return Future.succeededFuture(Optional.of(verifier.verify(token)));
                } catch (AuthFailure e) {
                    return Future.failedFuture(e);
                }
            }
            // Unordered: one slow JWKS fetch must not queue every other request's verification behind it.
            return vertx.executeBlocking(() -> Optional.of(verifier.verify(token)), false);
        };
    }

    static String token(HttpServerRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String value = header.substring(7).trim();
            return value.isEmpty() ? null : value;
        }
        Cookie cookie = request.getCookie(TOKEN_COOKIE);
        if (cookie != null && !cookie.getValue().isEmpty()) {
            return cookie.getValue();
        }
        // Only parse the query when it may hold a token: parsed parameters stay with a stream for its life.
        String raw = request.query();
        String query = raw != null && raw.contains(TOKEN_QUERY) ? request.getParam(TOKEN_QUERY) : null;
        return query == null || query.isEmpty() ? null : query;
    }
}
