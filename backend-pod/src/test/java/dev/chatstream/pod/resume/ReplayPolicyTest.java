package dev.chatstream.pod.resume;

import dev.chatstream.wire.HistoryRetryPolicy;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The pod's waits for history read the workers' one retry budget. */
class ReplayPolicyTest {

    @Test
    @DisplayName("a hole history does not hold yet is asked for again for at least the workers' history retry budget")
    void lagRetriesSpanTheBudget() {
        long waited = 0;
        for (int retry = 0; retry < ReplayMerge.MAX_LAG_RETRIES; retry++) {
            waited += ReplayPolicy.lagDelay(retry);
        }
        assertThat(waited).isGreaterThanOrEqualTo(HistoryRetryPolicy.STANDARD.budget().toMillis());
        assertThat(waited - ReplayPolicy.lagDelay(ReplayMerge.MAX_LAG_RETRIES - 1))
                .as("one ask fewer would not").isLessThan(HistoryRetryPolicy.STANDARD.budget().toMillis());
    }

    @Test
    @DisplayName("tail checks without live progress go on for at least the workers' history retry budget")
    void tailChecksSpanTheBudget() {
        assertThat(TailWatch.MAX_CHECKS * ReplayPolicy.TAIL_CHECK_MS)
                .isGreaterThanOrEqualTo(HistoryRetryPolicy.STANDARD.budget().toMillis());
    }

    @Test
    @DisplayName("a history read that fails is retried for the workers' history retry budget, or longer with a long replay timeout")
    void failedReadsAreRetriedForTheBudget() {
        assertThat(ReplayPolicy.retryFor(java.time.Duration.ofSeconds(5))).isEqualTo(HistoryRetryPolicy.STANDARD.budget());
        assertThat(ReplayPolicy.retryFor(java.time.Duration.ofSeconds(60))).isEqualTo(java.time.Duration.ofSeconds(180));
    }
}
