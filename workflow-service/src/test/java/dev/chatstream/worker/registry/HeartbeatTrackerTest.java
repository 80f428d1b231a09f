package dev.chatstream.worker.registry;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatTrackerTest {
    private final AtomicLong now = new AtomicLong();
    private final HeartbeatTracker tracker = new HeartbeatTracker(Duration.ofSeconds(6), now::get);

    @Test
    @DisplayName("a pod never heard of is trusted")
    void unknownIsTrusted() {
        assertThat(tracker.isStale("pod-a")).isFalse();
    }

    @Test
    @DisplayName("a pod silent for longer than the limit is stale until it beats again")
    void staleAfterSilence() {
        tracker.heard("pod-a");
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(tracker.isStale("pod-a")).isFalse();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(tracker.isStale("pod-a")).isTrue();
        tracker.heard("pod-a");
        assertThat(tracker.isStale("pod-a")).isFalse();
    }
}
