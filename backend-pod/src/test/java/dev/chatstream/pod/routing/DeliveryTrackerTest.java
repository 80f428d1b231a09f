package dev.chatstream.pod.routing;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryTrackerTest {

    @Test
    @DisplayName("keeps only the most recent messages, evicting the least recently written")
    void evictsOldest() {
        DeliveryTracker tracker = new DeliveryTracker();
        for (int i = 0; i < DeliveryTracker.CAPACITY; i++) {
            assertThat(tracker.accept("m" + i, 0, 1, 1)).isZero();
        }
        assertThat(tracker.accept("m0", 0, 1, 1)).as("m0 still known").isEqualTo(1);
        assertThat(tracker.accept("new", 0, 1, 1)).isZero();
        assertThat(tracker.accept("m0", 0, 1, 1)).as("m0 was touched last, m1 evicted instead").isEqualTo(1);
        assertThat(tracker.accept("m1", 0, 1, 1)).as("m1 forgotten").isZero();
    }

    @Test
    @DisplayName("a seeded cursor drops everything up to and including it")
    void seedDropsUpToCursor() {
        DeliveryTracker tracker = new DeliveryTracker();
        tracker.seed("m", 4, 1);
        assertThat(tracker.accept("m", 0, 5, 1)).isEqualTo(5);
        assertThat(tracker.accept("m", 3, 4, 1)).isEqualTo(2);
    }
}
