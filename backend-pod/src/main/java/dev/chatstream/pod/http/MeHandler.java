package dev.chatstream.pod.http;

import dev.chatstream.pod.config.AuthSettings;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/me}: {@code {"user_id": "...", "auth_mode": "guest|jwt|none"}}. In guest mode the
 * {@link AuthHandler} in front of it has already set the cookie, so non-browser clients (the load tool) get a
 * guest identity from this one call. {@code user_id} is null in {@code none} mode.
 */
public final class MeHandler {
    private final AuthSettings.Mode mode;

    public MeHandler(AuthSettings.Mode mode) {
        this.mode = mode;
    }

    public void handle(RoutingContext ctx) {
        ApiErrors.json(ctx, 200, new JsonObject()
                .put("user_id", AuthHandler.userId(ctx).orElse(null))
                .put("auth_mode", mode.wireName()));
    }
}
