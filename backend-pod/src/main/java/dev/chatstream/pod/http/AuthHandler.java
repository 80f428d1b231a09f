package dev.chatstream.pod.http;

import dev.chatstream.pod.identity.AuthFailure;
import dev.chatstream.pod.identity.Authenticator;
import dev.chatstream.pod.metrics.PodMetrics;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/**
 * The one handler every {@code /api} route passes: authenticates, stores the user id, or answers 401
 * {@code unauthenticated} with an RFC 6750 {@code WWW-Authenticate} challenge.
 */
public final class AuthHandler implements Handler<RoutingContext> {
    private static final String USER_ID = "chat.user_id";

    private final Authenticator authenticator;
    private final PodMetrics metrics;

    public AuthHandler(Authenticator authenticator, PodMetrics metrics) {
        this.authenticator = authenticator;
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext ctx) {
        OnRequestContext.of(ctx, authenticator.authenticate(ctx.request()))
                .onSuccess(user -> {
                    user.ifPresent(id -> ctx.put(USER_ID, id));
                    ctx.next();
                })
                .onFailure(e -> {
                    AuthFailure failure = e instanceof AuthFailure f ? f : AuthFailure.invalid("cannot be verified now");
                    metrics.authFailure(failure.reason());
                    ctx.response().putHeader("WWW-Authenticate", failure.challenge());
                    ApiErrors.send(ctx, 401, "unauthenticated", failure.getMessage());
                });
    }

    /**
     * For the chat page: in guest mode a first visit gets its cookie with the page; a missing or bad token
     * never keeps the page from loading.
     */
    public Handler<RoutingContext> optional() {
        return ctx -> OnRequestContext.of(ctx, authenticator.authenticate(ctx.request())).onComplete(ignored -> ctx.next());
    }

    /** The authenticated user of this request; empty when anonymous. */
    public static Optional<String> userId(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(USER_ID));
    }
}
