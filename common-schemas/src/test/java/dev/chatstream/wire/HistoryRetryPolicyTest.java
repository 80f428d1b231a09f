package dev.chatstream.wire;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryRetryPolicyTest {

    @Test
    @DisplayName("the standard budget is every try's timeout plus every backoff with its largest jitter: about 30 s")
    void standardBudget() {
        // 10 x 2 s + (100 + 200 + 400 + 800 + 5 x 1000 ms) x 1.5
        assertThat(HistoryRetryPolicy.STANDARD.budget()).isEqualTo(Duration.ofMillis(29_750));
    }

    @Test
    @DisplayName("the backoff doubles from the first delay and stops at the maximum")
    void backoffDoublesUpToTheMaximum() {
        HistoryRetryPolicy policy = new HistoryRetryPolicy(8, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(500));
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.backoff(4)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    @DisplayName("a worker policy that would retry longer than pods wait is refused")
    void longerThanStandardIsRefused() {
        HistoryRetryPolicy longer = new HistoryRetryPolicy(11, Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThatThrownBy(longer::requireWithinStandard).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than pods wait");
        HistoryRetryPolicy shorter = new HistoryRetryPolicy(2, Duration.ofMillis(500), Duration.ofMillis(10), Duration.ofMillis(10));
        assertThat(shorter.requireWithinStandard()).isSameAs(shorter);
    }

    @Test
    @DisplayName("tries that fail at once are repeated until the budget is spent, not counted out in seconds")
    void fastFailuresRetryForTheWholeBudget() {
        HistoryRetryPolicy policy = HistoryRetryPolicy.STANDARD;
        assertThat(policy.mayRetry(policy.attempts(), Duration.ofSeconds(8)))
                .as("ten tries failing fast after 8 s: time is left").isTrue();
        assertThat(policy.mayRetry(40, policy.budget().minus(policy.attemptTimeout())))
                .as("a next try that could end past the budget").isFalse();
    }

    @Test
    @DisplayName("tries that each time out stop after the policy's number of tries")
    void timedOutTriesStopAtTheCount() {
        HistoryRetryPolicy policy = HistoryRetryPolicy.STANDARD;
        Duration elapsed = Duration.ZERO;
        int tries = 0;
        while (true) {
            tries++;
            elapsed = elapsed.plus(policy.attemptTimeout());
            if (!policy.mayRetry(tries, elapsed)) {
                break;
            }
            Duration delay = policy.backoff(tries);
            elapsed = elapsed.plus(delay).plus(delay.dividedBy(2));
        }
        assertThat(tries).isEqualTo(policy.attempts());
        assertThat(elapsed).isLessThanOrEqualTo(policy.budget());
    }
}
