package dev.chatstream.streams;

import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.JetStreamFixture;
import dev.chatstream.wire.BatchHeader;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link HistoryScan} against a real nats-server: from the first batch, a sequence or a time, to the last one present. */
@Timeout(60)
class HistoryScanTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    @RegisterExtension
    static final JetStreamFixture nats =
            new JetStreamFixture(management -> new JetStreamProvisioner(management).apply(StreamSettings.defaults()));

    private static String sid() {
        return "hs-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Stores {@code count} one-chunk batches of {@code messageId}; returns their stream sequences. */
    private static List<Long> store(String sessionId, String messageId, int count) throws Exception {
        List<Long> sequences = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PublishAck ack = nats.jetStream().publish(NatsMessage.builder().subject(Subjects.history(sessionId))
                    .headers(new BatchHeader(sessionId, messageId, i, 1, 1, false, 0).toHeaders())
                    .data("{}".getBytes(StandardCharsets.UTF_8)).build());
            sequences.add(ack.getSeqno());
        }
        return sequences;
    }

    private static List<String> scanned(String sessionId, ScanStart from, long[] read) throws Exception {
        List<String> seen = new ArrayList<>();
        read[0] = HistoryScan.scan(nats.jetStream(), nats.management(), sessionId, from, TIMEOUT, message -> {
            BatchHeader header = BatchHeader.from(message.getHeaders());
            seen.add(header.messageId() + ":" + header.firstChunkId());
            return true;
        });
        return seen;
    }

    @Test
    @DisplayName("a scan from a stream sequence reads that batch and every later one of the session, nothing before")
    void fromSequence() throws Exception {
        String sid = sid();
        store(sid, "early", 20);
        store(sid(), "other-session", 5);
        List<Long> late = store(sid, "late", 3);
        long[] read = new long[1];

        assertThat(scanned(sid, ScanStart.atSequence(late.get(0)), read)).containsExactly("late:0", "late:1", "late:2");
        assertThat(read[0]).isEqualTo(3);
        assertThat(scanned(sid, ScanStart.FIRST, read)).hasSize(23);
        assertThat(read[0]).isEqualTo(23);
    }

    @Test
    @DisplayName("a scan from a time reads only the batches stored at or after it")
    void fromTime() throws Exception {
        String sid = sid();
        List<Long> early = store(sid, "early", 10);
        Instant earlyStored = nats.management().getMessage(StreamDefinitions.CHAT_HISTORY, early.get(early.size() - 1))
                .getTime().toInstant();
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(earlyStored.plusMillis(5)));
        List<Long> late = store(sid, "late", 4);
        Instant lateStored = nats.management().getMessage(StreamDefinitions.CHAT_HISTORY, late.get(0)).getTime().toInstant();
        long[] read = new long[1];

        assertThat(scanned(sid, ScanStart.notBefore(lateStored), read))
                .containsExactly("late:0", "late:1", "late:2", "late:3");
        assertThat(read[0]).isEqualTo(4);
        assertThat(scanned(sid, ScanStart.before(lateStored, Duration.ofMinutes(1)), read)).hasSize(14);
    }

    @Test
    @DisplayName("a start past the last stored batch reads nothing and returns at once instead of waiting")
    void pastTheEnd() throws Exception {
        String sid = sid();
        List<Long> stored = store(sid, "m", 3);
        long[] read = new long[1];
        long started = System.nanoTime();

        assertThat(scanned(sid, ScanStart.atSequence(stored.get(2) + 1_000), read)).isEmpty();
        assertThat(scanned(sid, ScanStart.notBefore(Instant.now().plusSeconds(60)), read)).isEmpty();
        assertThat(read[0]).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
    }

    @Test
    @DisplayName("the earliest of two starts covers both: lower sequence, earlier time, the first batch when mixed")
    void earliest() {
        Instant now = Instant.now();
        assertThat(ScanStart.atSequence(7).earliest(ScanStart.atSequence(3))).isEqualTo(ScanStart.atSequence(3));
        assertThat(ScanStart.notBefore(now).earliest(ScanStart.notBefore(now.minusSeconds(1))))
                .isEqualTo(ScanStart.notBefore(now.minusSeconds(1)));
        assertThat(ScanStart.atSequence(7).earliest(ScanStart.notBefore(now))).isEqualTo(ScanStart.FIRST);
        assertThat(ScanStart.atSequence(0)).isEqualTo(ScanStart.FIRST);
    }
}
