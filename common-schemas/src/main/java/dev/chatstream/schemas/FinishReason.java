package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why an answer ended; carried in {@link ChunkMetadata} of the final chunk. */
public enum FinishReason {
    STOP, LENGTH, ERROR, CANCELLED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
