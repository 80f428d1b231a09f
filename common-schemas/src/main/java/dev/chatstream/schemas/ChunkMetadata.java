package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Metadata of an answer: the model, tokens used so far and, on the final chunk, why it ended. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChunkMetadata(
        @JsonProperty("model") String model,
        @JsonProperty("tokens_used") Integer tokensUsed,
        @JsonProperty("finish_reason") FinishReason finishReason) {

    public ChunkMetadata {
        if (tokensUsed != null && tokensUsed < 0) {
            throw new IllegalArgumentException("tokens_used: must be >= 0, was " + tokensUsed);
        }
    }
}
