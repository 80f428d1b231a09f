package dev.chatstream.config;

import java.time.Duration;

/**
 * Limits on one answer that both services must agree on, read from the same variable on both sides.
 *
 * <p>{@code ANSWER_MAX_DURATION}: the longest an answer may generate. The worker stops the provider call
 * and ends the answer with an {@code error} final chunk past it, and stops renewing the request's lease;
 * the pod's active-answer ledger entry expires shortly after it, so a lost answer never holds a user's
 * slot for longer.
 */
public record AnswerLimits(Duration maxDuration) {
    public static final String MAX_DURATION_VARIABLE = "ANSWER_MAX_DURATION";
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofMinutes(5);

    public AnswerLimits {
        if (maxDuration == null || maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("maxDuration must be positive");
        }
    }

    public static AnswerLimits fromEnv(Env env) {
        return new AnswerLimits(env.duration(MAX_DURATION_VARIABLE, DEFAULT_MAX_DURATION,
                Duration.ofSeconds(1), Duration.ofHours(6)));
    }

    public static AnswerLimits defaults() {
        return new AnswerLimits(DEFAULT_MAX_DURATION);
    }
}
