package dev.chatstream.worker.provider;

import dev.chatstream.schemas.FinishReason;

import java.util.Objects;

/** How a successful answer ended: why, how many tokens it used (when known) and which model wrote it. */
public record Completion(FinishReason finishReason, Integer tokensUsed, String model) {
    public Completion {
        Objects.requireNonNull(finishReason, "finishReason");
    }
}
