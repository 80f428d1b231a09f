package dev.chatstream.loadtest.run;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SendScheduleTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    @DisplayName("without a ramp, rate messages are due per second from the start")
    void fixedRate() {
        SendSchedule schedule = new SendSchedule(100, Duration.ZERO);
        assertThat(schedule.dueBy(0)).isZero();
        assertThat(schedule.dueBy(SECOND / 2)).isEqualTo(50);
        assertThat(schedule.dueBy(30 * SECOND)).isEqualTo(3_000);
    }

    @Test
    @DisplayName("a ramp rises linearly to the rate: a quarter of the full-rate count by its middle, half by its end, then the full rate")
    void ramp() {
        SendSchedule schedule = new SendSchedule(100, Duration.ofSeconds(20));
        assertThat(schedule.dueBy(10 * SECOND)).isEqualTo(250);
        assertThat(schedule.dueBy(20 * SECOND)).isEqualTo(1_000);
        assertThat(schedule.dueBy(21 * SECOND)).isEqualTo(1_100);
        // The rate in the ramp's first second is a fraction of the last second's.
        long first = schedule.dueBy(SECOND);
        long last = schedule.dueBy(20 * SECOND) - schedule.dueBy(19 * SECOND);
        assertThat(first).isLessThan(5);
        assertThat(last).isBetween(95L, 100L);
    }
}
