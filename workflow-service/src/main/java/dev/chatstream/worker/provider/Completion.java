package dev.chatstream.worker.provider;

import dev.chatstream.schemas.FinishReason;

import java.util.Objects;

/** How a successful answer ended: why, how many tokens it used (when known) and which model wrote it. */
public record Completion(FinishReason finishReason, Integer tokensUsed, String model) {
    public Completion {
        Objects.requireNonNull(finishReason, "finishReason");
        if (tokensUsed != null && tokensUsed < 0) {
            tokensUsed = 0;
        }
    }

    /**
     * A token count a provider reported, clamped to [0, {@link Integer#MAX_VALUE}]: a negative count
     * or one past 2^31 (which {@code intValue()} would wrap) must not fail the answer.
     */
    public static int tokenCount(Number reported) {
        double value = reported.doubleValue();
        if (!(value > 0)) {
            return 0; // negative, zero or NaN
        }
        return value >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) value;
    }
}
