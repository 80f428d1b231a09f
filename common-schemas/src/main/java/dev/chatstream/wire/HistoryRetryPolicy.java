package dev.chatstream.wire;

import java.time.Duration;

/**
 * How long a history write ({@code CHAT_HISTORY}) is retried, shared by both ends: the worker retries
 * a batch under this policy, and a pod that saw a batch live but not yet in history waits
 * {@link #budget()} of the {@link #STANDARD} policy before it gives up on it. A worker may be set to
 * retry for less (tests do), never for longer than pods wait.
 *
 * <p>Each try has its own timeout ({@code attemptTimeout}): jnats would otherwise leave a lost
 * acknowledgement to its 5 s request sweep. Between tries the delay doubles from
 * {@code firstBackoff} up to {@code maxBackoff}, plus up to half of it again as jitter.
 *
 * <p>The budget is time, not a count: {@code attempts} tries that each time out take {@link #budget()}, and
 * a batch is tried again for as long as the next try still ends within it ({@link #mayRetry}). Tries that
 * fail at once ({@code 503 No Responders} while a stream elects a leader) are repeated until the budget
 * is spent instead of using up their count in a few seconds of backoff.
 */
public record HistoryRetryPolicy(int attempts, Duration attemptTimeout, Duration firstBackoff, Duration maxBackoff) {
    /**
     * The time of 10 tries of 2 s, 100 ms doubling to 1 s in between: about 30 s — longer than a JetStream
     * stream leader election after a node loss (5 tries, ~12 s, gave up during one in {@code NatsNodeLossSystemTest}).
     */
    public static final HistoryRetryPolicy STANDARD =
            new HistoryRetryPolicy(10, Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofSeconds(1));

    public HistoryRetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts: must be >= 1, was " + attempts);
        }
        if (attemptTimeout == null || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
            throw new IllegalArgumentException("attemptTimeout: must be positive");
        }
        if (firstBackoff == null || firstBackoff.isNegative() || maxBackoff == null || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("backoff: need 0 <= firstBackoff <= maxBackoff");
        }
    }

    /** The delay before try {@code failedAttempt + 1}, without jitter. */
    public Duration backoff(int failedAttempt) {
        long first = firstBackoff.toMillis();
        long doubled = first << Math.min(Math.max(failedAttempt - 1, 0), 20);
        return Duration.ofMillis(Math.min(maxBackoff.toMillis(), doubled));
    }

    /** The longest a batch can take from its first try to the last try's timeout, jitter included. */
    public Duration budget() {
        Duration total = attemptTimeout.multipliedBy(attempts);
        for (int failed = 1; failed < attempts; failed++) {
            Duration delay = backoff(failed);
            total = total.plus(delay).plus(delay.dividedBy(2));
        }
        return total;
    }

    /**
     * Whether a batch may be tried again after its try number {@code failedTry} failed, {@code sinceFirstTry}
     * after its first try began: only when the next try, after its backoff with the most jitter, still ends
     * within {@link #budget()}.
     */
    public boolean mayRetry(int failedTry, Duration sinceFirstTry) {
        Duration delay = backoff(failedTry);
        return sinceFirstTry.plus(delay).plus(delay.dividedBy(2)).plus(attemptTimeout).compareTo(budget()) <= 0;
    }

    /** A worker-side override; refused when it would retry longer than pods wait. */
    public HistoryRetryPolicy requireWithinStandard() {
        if (budget().compareTo(STANDARD.budget()) > 0) {
            throw new IllegalArgumentException("retries for " + budget().toMillis() + " ms, longer than pods wait ("
                    + STANDARD.budget().toMillis() + " ms)");
        }
        return this;
    }
}
