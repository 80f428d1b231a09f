package dev.chatstream.loadtest.sse;

/**
 * One server-sent event. {@code id} is null when the block had no {@code id:} field; {@code event}
 * is {@code "message"} when it had no {@code event:} field, as in the browser's EventSource.
 */
public record SseEvent(String event, String id, String data) {
}
