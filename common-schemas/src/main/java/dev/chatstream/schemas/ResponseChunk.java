package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Objects;

/**
 * One piece of an answer, as the workflow service publishes it and the browser receives it.
 * Chunk ids of a message rise by exactly one from 0, across redeliveries of the message too.
 * {@code timestamp} is set when the worker publishes the chunk; clients measure pipeline latency from it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResponseChunk(
        @JsonProperty(value = "session_id", required = true) String sessionId,
        @JsonProperty(value = "message_id", required = true) String messageId,
        @JsonProperty(value = "chunk_id", required = true) long chunkId,
        @JsonProperty(value = "chunk", required = true) String chunk,
        @JsonProperty(value = "chunk_type", required = true) ChunkType chunkType,
        @JsonProperty(value = "is_final", required = true) boolean isFinal,
        @JsonProperty("metadata") ChunkMetadata metadata,
        @JsonProperty("error") ChunkError error,
        @JsonProperty(value = "timestamp", required = true) Instant timestamp,
        @JsonProperty("correlation_id") String correlationId) {

    /** {@code chunk} of a {@code system} chunk telling the client that a redelivered answer starts over. */
    public static final String SYSTEM_RESTART = "restart";
    /** {@code chunk} of a {@code system} chunk telling the client that history did not reach back to its cursor. */
    public static final String SYSTEM_HISTORY_GAP = "history_gap";

    public ResponseChunk {
        Objects.requireNonNull(sessionId, "session_id");
        Objects.requireNonNull(messageId, "message_id");
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(chunkType, "chunk_type");
        Objects.requireNonNull(timestamp, "timestamp");
        if (chunkId < 0) {
            throw new IllegalArgumentException("chunk_id: must be >= 0, was " + chunkId);
        }
        if (chunkType == ChunkType.ERROR && error == null) {
            throw new IllegalArgumentException("error: required when chunk_type is error");
        }
    }

    /** A content chunk carrying one piece of text. */
    public static ResponseChunk content(String sessionId, String messageId, long chunkId, String text,
                                        String correlationId, Instant timestamp) {
        return new ResponseChunk(sessionId, messageId, chunkId, text, ChunkType.CONTENT, false,
                null, null, timestamp, correlationId);
    }

    /** The last chunk of an answer. */
    public static ResponseChunk finalChunk(String sessionId, String messageId, long chunkId, ChunkMetadata metadata,
                                           String correlationId, Instant timestamp) {
        return new ResponseChunk(sessionId, messageId, chunkId, "", ChunkType.METADATA, true,
                metadata, null, timestamp, correlationId);
    }

    /** A final chunk ending the answer with an error. */
    public static ResponseChunk failure(String sessionId, String messageId, long chunkId, ChunkError error,
                                        String model, String correlationId, Instant timestamp) {
        return new ResponseChunk(sessionId, messageId, chunkId, "", ChunkType.ERROR, true,
                new ChunkMetadata(model, null, FinishReason.ERROR), error, timestamp, correlationId);
    }

    /** A {@code system} notice such as {@link #SYSTEM_RESTART}; not final. */
    public static ResponseChunk system(String sessionId, String messageId, long chunkId, String notice,
                                       String correlationId, Instant timestamp) {
        return new ResponseChunk(sessionId, messageId, chunkId, notice, ChunkType.SYSTEM, false,
                null, null, timestamp, correlationId);
    }
}
