package dev.chatstream.pod.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatstream.codec.MessageCodec;
import dev.chatstream.subjects.SubjectToken;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;

/**
 * The body the AI SDK's {@code DefaultChatTransport} posts to {@code /api/chat}: {@code {id, messages, trigger,
 * messageId, ...}}. {@code id} is the session id (a subject token); the new message is the text parts of the last
 * {@code user} message. Earlier turns the client sends are not used (the server does not trust client-made
 * {@code assistant}/{@code system} turns). Read before authentication and ownership, which need its id.
 */
public record ChatBody(String sessionId, String text) {
    private static final String KEY = "chat.body";

    /** Route handler: parses the body, 400 when it is not a chat request, else stores it and goes on. */
    public static void read(RoutingContext ctx) {
        ChatBody body;
        try {
            body = parse(ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        } catch (IllegalArgumentException e) {
            ApiErrors.send(ctx, 400, e.getMessage().startsWith("id") ? "invalid_session_id" : "invalid_body", e.getMessage());
            return;
        }
        ctx.put(KEY, body);
        ctx.put(OwnershipHandler.BODY_SESSION_ID, body.sessionId());
        ctx.next();
    }

    /** The body {@link #read} stored. */
    public static ChatBody of(RoutingContext ctx) {
        return ctx.get(KEY);
    }

    static ChatBody parse(byte[] bytes) {
        JsonNode root;
        try {
            root = bytes.length == 0 ? null : MessageCodec.standard().mapper().readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object {id, messages}");
        }
        JsonNode id = root.get("id");
        if (id == null || !id.isTextual() || !SubjectToken.isValid(id.textValue())) {
            throw new IllegalArgumentException("id: must be a session id of 1-64 characters [A-Za-z0-9_-]");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new IllegalArgumentException("messages: must be an array");
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if ("user".equals(message.path("role").asText())) {
                String text = text(message.path("parts"));
                if (text.isBlank()) {
                    throw new IllegalArgumentException("messages: the last user message has no text");
                }
                return new ChatBody(id.textValue(), text);
            }
        }
        throw new IllegalArgumentException("messages: no user message");
    }

    private static String text(JsonNode parts) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : parts) {
            if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                text.append(part.path("text").textValue());
            }
        }
        return text.toString();
    }
}
