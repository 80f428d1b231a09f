package dev.chatstream.pod.support;

/** One SSE block as received: {@code event}, {@code id}, {@code data}, {@code retry}, or a comment. */
public record SseEvent(String event, String id, String data, String retry, String comment) {

    public boolean isChunk() {
        return "chunk".equals(event);
    }
}
