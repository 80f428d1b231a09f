package dev.chatstream.pod.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

import java.util.Optional;

/**
 * Says who sends a request. The local default is anonymous (no user id); JWT authentication plugs in
 * here (header for POSTs, cookie or query token for {@code EventSource}). A failed future means 401.
 */
@FunctionalInterface
public interface Authenticator {

    Future<Optional<String>> authenticate(HttpServerRequest request);

    /** No authentication: every request is anonymous. */
    static Authenticator anonymous() {
        return request -> Future.succeededFuture(Optional.empty());
    }
}
