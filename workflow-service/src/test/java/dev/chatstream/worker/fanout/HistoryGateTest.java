package dev.chatstream.worker.fanout;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryGateTest {

    @Test
    @DisplayName("past its capacity a waiter runs only when a permit is released, first come first served")
    void handsPermitsOverInOrder() {
        HistoryGate gate = new HistoryGate(1);
        List<String> ran = new ArrayList<>();
        assertThat(gate.tryAcquire()).isTrue();
        assertThat(gate.tryAcquire()).isFalse();
        gate.await(() -> ran.add("a"));
        gate.await(() -> ran.add("b"));
        assertThat(ran).isEmpty();

        gate.release();
        assertThat(ran).containsExactly("a");
        assertThat(gate.inFlight()).isEqualTo(1);
        gate.release();
        assertThat(ran).containsExactly("a", "b");
        gate.release();
        assertThat(gate.inFlight()).isZero();
    }

    @Test
    @DisplayName("a waiter that queues after the last release still gets the free permit")
    void noLostWakeup() {
        HistoryGate gate = new HistoryGate(1);
        List<String> ran = new ArrayList<>();
        gate.await(() -> ran.add("late"));
        assertThat(ran).containsExactly("late");
        assertThat(gate.inFlight()).isEqualTo(1);
    }
}
