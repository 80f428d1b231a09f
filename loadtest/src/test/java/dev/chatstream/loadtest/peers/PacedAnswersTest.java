package dev.chatstream.loadtest.peers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PacedAnswersTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    @DisplayName("offers answers × tokens per spacing: 100 answers at 20 ms make 5,000 chunks a second")
    void offersTheRateOfItsAnswers() {
        PacedAnswers paced = new PacedAnswers(100, 200, 20 * MS, 1000, 0, 0, 0);
        int[] count = new int[1];
        for (long now = 0; now < 10_000 * MS; now += MS) {
            count[0] += paced.due(now, token -> { });
        }
        assertThat(count[0]).isBetween(49_900, 50_100);
        assertThat(paced.streaming()).isEqualTo(100);
    }

    @Test
    @DisplayName("streams each answer's chunk ids from 0 to the last one, then starts a new answer on the next channel")
    void replacesAnEndedAnswerOnTheNextChannel() {
        PacedAnswers paced = new PacedAnswers(2, 3, 20 * MS, 5, 0, 0, 0);
        List<PacedAnswers.Token> tokens = new ArrayList<>();
        for (long now = 0; now <= 80 * MS; now += MS) {
            paced.due(now, tokens::add);
        }
        assertThat(tokens).filteredOn(t -> t.answer() == 0).extracting(PacedAnswers.Token::chunkId).containsExactly(0, 1, 2);
        assertThat(tokens).filteredOn(t -> t.answer() == 0).extracting(PacedAnswers.Token::last).containsExactly(false, false, true);
        assertThat(tokens).filteredOn(t -> t.answer() == 2).extracting(PacedAnswers.Token::channel).containsOnly(2);
        assertThat(tokens).filteredOn(t -> t.answer() == 3).extracting(PacedAnswers.Token::channel).containsOnly(3);
    }

    @Test
    @DisplayName("after stopStarting the answers streaming run to their end and none starts")
    void drainsWithoutStartingAnswers() {
        PacedAnswers paced = new PacedAnswers(4, 10, 20 * MS, 10, 0, 0, 0);
        long now = 0;
        for (; now < 100 * MS; now += MS) {
            paced.due(now, token -> { });
        }
        paced.stopStarting();
        List<PacedAnswers.Token> tokens = new ArrayList<>();
        for (; now < 400 * MS; now += MS) {
            paced.due(now, tokens::add);
        }
        assertThat(paced.streaming()).isZero();
        assertThat(tokens).extracting(PacedAnswers.Token::answer).containsOnly(0L, 1L, 2L, 3L);
        assertThat(tokens).filteredOn(PacedAnswers.Token::last).hasSize(4);
    }
}
