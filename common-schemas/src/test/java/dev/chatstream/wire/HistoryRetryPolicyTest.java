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
}
