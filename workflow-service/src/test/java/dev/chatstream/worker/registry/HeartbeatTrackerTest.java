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

    @Test
    @DisplayName("a heartbeat saying registry_ok false marks its pod degraded until a beat says otherwise or it goes stale")
    void readsRegistryVerdictFromTheHeartbeat() {
        dev.chatstream.codec.MessageCodec codec = dev.chatstream.codec.MessageCodec.standard();
        tracker.heard("pod-a", codec.encode(new dev.chatstream.schemas.HeartbeatMessage("pod-a", java.time.Instant.now(),
                1, 10, 1, false)));
        assertThat(tracker.anyRegistryDegraded()).isTrue();
        tracker.heard("pod-a", codec.encode(new dev.chatstream.schemas.HeartbeatMessage("pod-a", java.time.Instant.now(),
                1, 10, 1)));
        assertThat(tracker.anyRegistryDegraded()).isFalse();
        tracker.heard("pod-b", false);
        now.addAndGet(Duration.ofSeconds(7).toNanos());
        assertThat(tracker.anyRegistryDegraded()).as("a dead pod holds no session").isFalse();
    }
}
