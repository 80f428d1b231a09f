package dev.chatstream.pod.resume;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryTrackerTest {

    @Test
    @DisplayName("remembers every unfinished message, however many are in flight at once")
    void growsWhileMessagesAreUnfinished() {
        DeliveryTracker tracker = new DeliveryTracker();
        int inFlight = DeliveryTracker.INITIAL_CAPACITY * 5;
        for (int i = 0; i < inFlight; i++) {
            assertThat(tracker.accept("m" + i, 0, 1, 1)).isZero();
        }
        for (int i = 0; i < inFlight; i++) {
            assertThat(tracker.accept("m" + i, 0, 1, 1)).as("m" + i + " still known: duplicate dropped").isEqualTo(1);
            assertThat(tracker.gapBefore("m" + i, 3, 1)).as("hole after m" + i + " seen").isTrue();
        }
    }

    @Test
    @DisplayName("reuses the slot of a message finished longer ago than the history wait before growing")
    void reusesSlotsFinishedLongAgo() {
        long[] now = {0};
        DeliveryTracker tracker = new DeliveryTracker(() -> now[0]);
        for (int i = 0; i < DeliveryTracker.INITIAL_CAPACITY; i++) {
            tracker.accept("done" + i, 0, 2, 1, true);
        }
        now[0] += ReplayPolicy.HISTORY_WAIT.toNanos() + 1;
        tracker.accept("active", 0, 1, 1);
        assertThat(tracker.knows("active")).isTrue();
        assertThat(tracker.knows("done0")).as("the oldest finished message made room").isFalse();
        assertThat(tracker.knows("done1")).isTrue();
    }

    @Test
    @DisplayName("remembers a finished message for the history wait: a late live copy of it is a duplicate, not a new message")
    void remembersRecentlyFinishedMessages() {
        long[] now = {0};
        DeliveryTracker tracker = new DeliveryTracker(() -> now[0]);
        tracker.accept("late", 0, 3, 1, true);
        for (int i = 0; i < DeliveryTracker.INITIAL_CAPACITY * 2; i++) {
            tracker.accept("next" + i, 0, 2, 1, true);
        }
        now[0] += ReplayPolicy.HISTORY_WAIT.toNanos() - 1;
        assertThat(tracker.knows("late")).isTrue();
        assertThat(tracker.accept("late", 2, 1, 1, true)).as("the late copy of its final chunk").isEqualTo(1);
    }

    @Test
    @DisplayName("past its maximum it forgets the least recently written message")
    void evictsOldestAtTheLimit() {
        DeliveryTracker tracker = new DeliveryTracker();
        for (int i = 0; i < DeliveryTracker.MAX_CAPACITY; i++) {
            tracker.accept("m" + i, 0, 1, 1);
        }
        tracker.accept("m0", 1, 1, 1);
        tracker.accept("new", 0, 1, 1);
        assertThat(tracker.knows("m0")).as("touched last").isTrue();
        assertThat(tracker.knows("m1")).as("least recently written").isFalse();
    }

    @Test
    @DisplayName("a seeded cursor drops everything up to and including it")
    void seedDropsUpToCursor() {
        DeliveryTracker tracker = new DeliveryTracker();
        tracker.seed("m", 4, 1);
        assertThat(tracker.accept("m", 0, 5, 1)).isEqualTo(5);
        assertThat(tracker.accept("m", 3, 4, 1)).isEqualTo(2);
    }

    @Test
    @DisplayName("unfinished messages are visited in turn, finished ones never")
    void visitsEveryUnfinishedMessage() {
        DeliveryTracker tracker = new DeliveryTracker();
        tracker.accept("a", 0, 2, 1);
        tracker.accept("b", 0, 2, 1);
        tracker.accept("done", 0, 1, 1, true);
        String first = tracker.unfinished(null);
        assertThat(first).isEqualTo("b");
        String second = tracker.unfinished(first);
        assertThat(second).isEqualTo("a");
        assertThat(tracker.unfinished(second)).isEqualTo("b");
        tracker.accept("b", 2, 1, 1, true);
        assertThat(tracker.unfinished("a")).isEqualTo("a");
    }
}
