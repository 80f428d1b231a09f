package dev.chatstream.pod.app;

import dev.chatstream.pod.http.ApiErrors;
import dev.chatstream.pod.http.AuthHandler;
import dev.chatstream.pod.http.CancelHandler;
import dev.chatstream.pod.http.ChatBody;
import dev.chatstream.pod.http.ChatStopHandler;
import dev.chatstream.pod.http.JsonContentType;
import dev.chatstream.pod.http.MeHandler;
import dev.chatstream.pod.http.MessageIntake;
import dev.chatstream.pod.http.OwnershipHandler;
import dev.chatstream.pod.http.StreamLimitHandler;
import dev.chatstream.pod.http.OpsHandlers;
import dev.chatstream.pod.http.OriginCheck;
import dev.chatstream.pod.http.SecurityHeaders;
import dev.chatstream.pod.http.SessionIds;
import dev.chatstream.pod.http.TurnsHandler;
import dev.chatstream.pod.sse.AiChatHandler;
import dev.chatstream.pod.sse.SseStreamHandler;
import dev.chatstream.subjects.SubjectToken;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public HTTP surface of the pod. Every response gets {@link SecurityHeaders}; every {@code /api} route
 * passes {@link OriginCheck}, {@link JsonContentType} (POST) and {@link AuthHandler} first, and every session
 * route then {@link OwnershipHandler}, in this one place.
 */
record PodRoutes(AuthHandler auth, MeHandler me, Handler<RoutingContext> ownership, StreamLimitHandler streamLimits,
                 MessageIntake intake, CancelHandler cancel, TurnsHandler turns, SseStreamHandler stream, OpsHandlers ops,
                 int maxMessageBytes, OriginCheck origins, AiChatHandler aiChat, ChatStopHandler chatStop) {
    /** An AI SDK chat body carries the whole conversation the client holds, not one message. */
    static final int CHAT_BODY_MESSAGES = 16;

    /**
     * Session paths no route took: ids the router could not bind (empty, dot segments, encoded slashes) are
     * a 400, not a 404; valid ids with the wrong method are a 405.
     */
    private static final Pattern SESSION_PATH =
            Pattern.compile("^/api/sessions/([^/]*)/(?:stream|messages|messages/([^/]*)/cancel)$");

    Router build(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(SecurityHeaders::add);
        // Origin before authentication: a preflight carries no credentials, a forged request gets no further.
        router.route("/api/*").handler(origins::handle);
        router.post("/api/*").handler(JsonContentType::require);
        // The body is read before the asynchronous steps (it is bounded): a request body must be taken before
        // the first asynchronous step.
        router.post("/api/sessions/:sid/messages").handler(BodyHandler.create(false).setBodyLimit(maxMessageBytes));
        router.post("/api/chat").handler(BodyHandler.create(false).setBodyLimit(CHAT_BODY_MESSAGES * maxMessageBytes))
                .handler(ChatBody::read);
        router.route("/api/*").handler(auth);
        router.get("/api/me").handler(me::handle);
        router.route("/api/sessions/*").handler(ownership);
        router.post("/api/sessions/:sid/messages").handler(intake::handle);
        router.post("/api/sessions/:sid/messages/:mid/cancel").handler(cancel::handle);
        router.get("/api/sessions/:sid/messages").handler(turns::handle);
        router.getWithRegex(SseStreamHandler.ROUTE_REGEX).handler(streamLimits).handler(stream::handle);
        // The AI SDK chat API: the session id is in the body (POST) or the path; same ownership and limits.
        router.route("/api/chat*").handler(ownership);
        router.post("/api/chat").handler(streamLimits).handler(aiChat::chat);
        router.get("/api/chat/:id/stream").handler(streamLimits).handler(aiChat::resume);
        router.post("/api/chat/:id/stop").handler(chatStop::handle);
        // Load balancers probe the public port; metrics and the detailed health answer only on the management port.
        router.get("/livez").handler(ops::livez);
        router.get("/readyz").handler(ops::readyz);
        router.route("/api/sessions/*").handler(PodRoutes::unboundSession);
        StaticHandler page = StaticHandler.create("webroot").setIndexPage("index.html");
        // A first visit in guest mode gets its identity cookie with the page.
        router.get("/*").handler(auth.optional()).handler(page);

        router.errorHandler(400, ApiErrors.handler(400, "bad_request", "the request is malformed"));
        router.errorHandler(401, ApiErrors.handler(401, "unauthenticated", "authentication required"));
        router.errorHandler(403, ApiErrors.handler(403, "forbidden", "not allowed"));
        router.errorHandler(404, ApiErrors.handler(404, "not_found", "no such resource"));
        router.errorHandler(405, ApiErrors.handler(405, "method_not_allowed", "method not allowed on this resource"));
        router.errorHandler(413, ApiErrors.handler(413, "payload_too_large",
                "the body is larger than " + maxMessageBytes + " bytes"));
        router.errorHandler(415, ApiErrors.handler(415, "unsupported_media_type", "unsupported content type"));
        router.errorHandler(500, ctx -> {
            org.slf4j.LoggerFactory.getLogger(PodRoutes.class).atError().setCause(ctx.failure())
                    .addKeyValue("path", ctx.request().path()).log("request failed");
            ApiErrors.send(ctx, 500, "internal_error", "internal error");
        });
        return router;
    }

    private static void unboundSession(RoutingContext ctx) {
        Matcher matcher = SESSION_PATH.matcher(ctx.request().path());
        if (!matcher.matches()) {
            ctx.next();
            return;
        }
        String sessionId = decode(matcher.group(1));
        if (!SubjectToken.isValid(sessionId)) {
            ApiErrors.send(ctx, 400, "invalid_session_id", SessionIds.problem(sessionId, "session id"));
            return;
        }
        String messageId = matcher.group(2) == null ? null : decode(matcher.group(2));
        if (messageId != null && !SubjectToken.isValid(messageId)) {
            ApiErrors.send(ctx, 400, "invalid_message_id", SessionIds.problem(messageId, "message id"));
            return;
        }
        // The ids are fine, so a route for this path exists: the method is the problem.
        ApiErrors.send(ctx, 405, "method_not_allowed", "method not allowed on this resource");
    }

    private static String decode(String raw) {
        try {
            return java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }
}
