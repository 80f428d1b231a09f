package dev.chatstream.system;

import io.vertx.core.json.JsonObject;

/** One SSE event as a client saw it. */
record SseEvent(String event, String id, String data, long receivedAtNanos) {

    JsonObject json() {
        return new JsonObject(data);
    }

    boolean isChunk() {
        return "chunk".equals(event);
    }

    String messageId() {
        return json().getString("message_id");
    }

    long chunkId() {
        return json().getLong("chunk_id");
    }

    String chunkType() {
        return json().getString("chunk_type");
    }

    boolean isFinal() {
        return json().getBoolean("is_final", false);
    }
}
