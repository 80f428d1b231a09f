package dev.chatstream.pod.resume;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessageStartsTest {

    @Test
    @DisplayName("remembers where a message's history begins per session, keeping the lowest sequence it was told")
    void keepsTheLowest() {
        MessageStarts starts = new MessageStarts();
        starts.learn("s", "m", 40);
        starts.learn("s", "m", 12);
        starts.learn("s", "m", 30);
        starts.learn("s", "other", 0);

        assertThat(starts.of("s", "m")).isEqualTo(12);
        assertThat(starts.of("t", "m")).isZero();
        assertThat(starts.of("s", "other")).isZero();
    }

    @Test
    @DisplayName("keeps a session's latest messages only, forgetting the oldest first")
    void bounded() {
        MessageStarts starts = new MessageStarts();
        for (int i = 1; i <= MessageStarts.PER_SESSION + 1; i++) {
            starts.learn("s", "m" + i, i);
        }
        assertThat(starts.of("s", "m1")).isZero();
        assertThat(starts.of("s", "m2")).isEqualTo(2);
        assertThat(starts.of("s", "m" + (MessageStarts.PER_SESSION + 1))).isEqualTo(MessageStarts.PER_SESSION + 1);
    }
}
