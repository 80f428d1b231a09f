package dev.chatstream.pod.http;

import dev.chatstream.pod.ownership.SessionOwners;
import dev.chatstream.subjects.SubjectToken;
import io.vertx.core.Handler;
import io.vertx.core.internal.net.RFC3986;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Runs before every {@code /api/sessions/{sid}/...} handler (stream, resume, POST, cancel, history) and every
 * AI SDK chat route ({@code /api/chat}, its id in the body, {@code /api/chat/{id}/...}): the
 * caller must own the session, or becomes its owner when nobody does. 403 {@code forbidden} for someone
 * else's session, 503 when the owner store cannot be reached. Ids that are not subject tokens pass
 * through to the handlers, which answer 400.
 */
public final class OwnershipHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(OwnershipHandler.class);
    /**
     * Where a handler before this one put a session id read from the body ({@code POST /api/chat}: the AI SDK
     * sends the chat id there).
     */
    public static final String BODY_SESSION_ID = "ownership.session_id";
    private static final String PREFIX = "/api/sessions/";
    private static final String CHAT_PREFIX = "/api/chat/";

    private final SessionOwners owners;

    public OwnershipHandler(SessionOwners owners) {
        this.owners = owners;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<String> user = AuthHandler.userId(ctx);
        String sessionId = ctx.get(BODY_SESSION_ID) instanceof String id ? id : sessionId(ctx.normalizedPath());
        if (user.isEmpty() || sessionId == null) {
            ctx.next();
            return;
        }
        OnRequestContext.of(ctx, owners.claim(sessionId, user.get()))
                .onSuccess(owner -> {
                    if (owner.equals(user.get())) {
                        ctx.next();
                    } else {
                        ApiErrors.send(ctx, 403, "forbidden", "this session belongs to another user");
                    }
                })
                .onFailure(e -> {
                    LOG.atWarn().addKeyValue("session_id", sessionId).log("session owner unknown: " + e.getMessage());
                    ApiErrors.send(ctx, 503, "ownership_unavailable", "cannot check who owns this session now");
                });
    }

    /** The session id of a session path (or AI SDK chat path) when it is a valid token; null otherwise. */
    static String sessionId(String path) {
        String prefix = path == null ? null : path.startsWith(PREFIX) ? PREFIX : path.startsWith(CHAT_PREFIX) ? CHAT_PREFIX : null;
        if (prefix == null) {
            return null;
        }
        int end = path.indexOf('/', prefix.length());
        String raw = end < 0 ? path.substring(prefix.length()) : path.substring(prefix.length(), end);
        try {
            // Decoded exactly as the route handlers decode their session id, so both see the same id.
            String id = RFC3986.decodeURIComponent(raw, false);
            return SubjectToken.isValid(id) ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
