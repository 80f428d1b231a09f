package dev.chatstream.pod.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/** The one handler every {@code /api} route passes: authenticates, stores the user id, or answers 401. */
public final class AuthHandler implements Handler<RoutingContext> {
    private static final String USER_ID = "chat.user_id";

    private final Authenticator authenticator;

    public AuthHandler(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public void handle(RoutingContext ctx) {
        authenticator.authenticate(ctx.request())
                .onSuccess(user -> {
                    user.ifPresent(id -> ctx.put(USER_ID, id));
                    ctx.next();
                })
                .onFailure(e -> ApiErrors.send(ctx, 401, "unauthorized", "authentication required"));
    }

    /** The authenticated user of this request; empty when anonymous. */
    public static Optional<String> userId(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(USER_ID));
    }
}
