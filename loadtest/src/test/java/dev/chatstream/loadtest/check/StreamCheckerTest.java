package dev.chatstream.loadtest.check;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamCheckerTest {
    private final StreamChecker checker = new StreamChecker();

    @Test
    @DisplayName("accepts a complete message in order with nothing lost")
    void acceptsACompleteMessage() {
        assertThat(checker.accept("m", 0, false)).isEqualTo(StreamChecker.Verdict.FIRST);
        assertThat(checker.accept("m", 1, false)).isEqualTo(StreamChecker.Verdict.IN_ORDER);
        assertThat(checker.accept("m", 2, true)).isEqualTo(StreamChecker.Verdict.IN_ORDER);
        assertThat(checker.audit("m", 3)).isEqualTo(new StreamChecker.Audit(0, 0));
        assertThat(checker.finished("m")).isTrue();
        assertThat(checker.lastCursor()).isEqualTo("m:2");
    }

    @Test
    @DisplayName("counts a chunk seen twice as a duplicate")
    void countsDuplicates() {
        checker.accept("m", 0, false);
        assertThat(checker.accept("m", 0, false)).isEqualTo(StreamChecker.Verdict.DUPLICATE);
        assertThat(checker.duplicates()).isOne();
    }

    @Test
    @DisplayName("counts a chunk below the highest id seen as out of order, not lost")
    void countsOutOfOrder() {
        checker.accept("m", 0, false);
        checker.accept("m", 2, false);
        assertThat(checker.accept("m", 1, false)).isEqualTo(StreamChecker.Verdict.OUT_OF_ORDER);
        checker.accept("m", 3, true);
        assertThat(checker.outOfOrder()).isOne();
        assertThat(checker.audit("m", 4).lostChunks()).isZero();
    }

    @Test
    @DisplayName("counts ids missing below the final chunk as lost")
    void countsGapsAsLost() {
        checker.accept("m", 0, false);
        checker.accept("m", 3, true);
        assertThat(checker.audit("m", 4)).isEqualTo(new StreamChecker.Audit(2, 0));
    }

    @Test
    @DisplayName("counts a message that never finished, or never arrived, as unfinished with its chunks lost")
    void countsUnfinishedMessages() {
        checker.accept("m", 0, false);
        assertThat(checker.audit("m", 5)).isEqualTo(new StreamChecker.Audit(4, 1));
        assertThat(checker.audit("never", 5)).isEqualTo(new StreamChecker.Audit(5, 1));
    }

    @Test
    @DisplayName("treats equal message ids as one message whether or not they are the same String instance")
    void keysByValueNotInstance() {
        String a = new String("m1");
        String b = new String("m1");
        assertThat(checker.accept(a, 0, false)).isEqualTo(StreamChecker.Verdict.FIRST);
        assertThat(checker.accept("m2", 0, false)).isEqualTo(StreamChecker.Verdict.FIRST);
        assertThat(checker.accept(b, 1, false)).isEqualTo(StreamChecker.Verdict.IN_ORDER);
        assertThat(checker.accept(b, 1, false)).isEqualTo(StreamChecker.Verdict.DUPLICATE);
        assertThat(checker.accept(a, 0, true)).isEqualTo(StreamChecker.Verdict.DUPLICATE);
        assertThat(checker.accept("m2", 1, true)).isEqualTo(StreamChecker.Verdict.IN_ORDER);
        assertThat(checker.finished("m2")).isTrue();
        assertThat(checker.finished("m1")).isFalse();
    }
}
