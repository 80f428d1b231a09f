package dev.chatstream.worker.consumer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RecentIdsTest {
    private final AtomicLong now = new AtomicLong();

    @Test
    @DisplayName("keeps at most its capacity, dropping the oldest")
    void bounded() {
        RecentIds ids = new RecentIds(2, Duration.ofMinutes(10), now::get);
        ids.add("a");
        ids.add("b");
        ids.add("c");
        assertThat(ids.contains("a")).isFalse();
        assertThat(ids.contains("b")).isTrue();
        assertThat(ids.contains("c")).isTrue();
    }

    @Test
    @DisplayName("forgets ids older than its time to live")
    void expires() {
        RecentIds ids = new RecentIds(10, Duration.ofSeconds(1), now::get);
        ids.add("a");
        now.addAndGet(Duration.ofMillis(500).toNanos());
        ids.add("b");
        now.addAndGet(Duration.ofMillis(600).toNanos());
        assertThat(ids.contains("a")).isFalse();
        assertThat(ids.contains("b")).isTrue();
    }
}
