package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a {@link ResponseChunk} carries. */
public enum ChunkType {
    /** A piece of the answer text. */
    CONTENT,
    /** Information about the answer (model, token counts), usually on the final chunk. */
    METADATA,
    /** The answer failed; {@link ResponseChunk#error()} says why. */
    ERROR,
    /** A notice from the system itself, e.g. {@code restart} or {@code history_gap}. */
    SYSTEM;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
