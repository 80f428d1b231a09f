package dev.chatstream.pod.identity;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

import java.util.Optional;

/**
 * Says who sends a request: the user id, or empty in {@code AUTH_MODE=none}. A future failed with
 * {@link AuthFailure} means 401. Runs on the request's event loop; an implementation that may block
 * (fetching keys) moves that work off it. See {@link Authenticators} for the three modes.
 */
@FunctionalInterface
public interface Authenticator {

    Future<Optional<String>> authenticate(HttpServerRequest request);

    /** No authentication: every request is anonymous ({@code AUTH_MODE=none}). */
    static Authenticator anonymous() {
        return request -> Future.succeededFuture(Optional.empty());
    }
}
