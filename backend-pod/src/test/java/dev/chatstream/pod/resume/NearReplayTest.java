package dev.chatstream.pod.resume;

import dev.chatstream.pod.intake.MessageIds;
import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.WithPod;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.chatstream.pod.support.Chunks.ids;
import static dev.chatstream.pod.support.Chunks.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replays start near the message they need, not at the session's first batch, and still deliver exactly what a
 * full read would: a resume on a pod that saw the message live, one on a pod that never did (after a failover),
 * and a hole repair.
 */
@Timeout(90)
@WithPod
class NearReplayTest {
    private static final String HISTORY_READS = "chat_nats_received_total{kind=\"history\"}";
    private static final int EARLIER_MESSAGES = 30;
    private static final int EARLIER_BATCHES = 10;
    private static PodFixture fixture;

    private static String sid() {
        return "nr-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Headers headers(String sid, String mid, long first, int count, long historyStart, boolean last) {
        Headers headers = fixture.batchHeaders(sid, mid, first, count, 1);
        if (historyStart > 0) {
            headers.put(ChunkHeaders.HISTORY_START, Long.toString(historyStart));
        }
        if (last) {
            headers.put(ChunkHeaders.FINAL, "true");
        }
        return headers;
    }

    /** Stores one batch of one chunk per text as a worker does; returns its stream sequence. */
    private static long toHistory(String sid, String mid, long first, int count, long historyStart, boolean last)
            throws Exception {
        PublishAck ack = fixture.client.jetStream().publish(NatsMessage.builder().subject(Subjects.history(sid))
                .headers(headers(sid, mid, first, count, historyStart, last))
                .data(fixture.batchBody(sid, mid, first, texts(count))).build());
        return ack.getSeqno();
    }

    private static void live(String sid, String mid, long first, int count, long historyStart, boolean last)
            throws Exception {
        fixture.client.publish(NatsMessage.builder().subject(Subjects.podResponse(fixture.podId()))
                .headers(headers(sid, mid, first, count, historyStart, last))
                .data(fixture.batchBody(sid, mid, first, texts(count))).build());
        fixture.client.flush(Duration.ofSeconds(2));
    }

    /** The session's earlier answers: {@value EARLIER_MESSAGES} messages of {@value EARLIER_BATCHES} batches, ended. */
    private static void earlierAnswers(String sid) throws Exception {
        for (int m = 0; m < EARLIER_MESSAGES; m++) {
            long first = 0;
            for (int b = 0; b < EARLIER_BATCHES; b++) {
                long seq = toHistory(sid, "old-" + m, b, 1, first, b == EARLIER_BATCHES - 1);
                first = b == 0 ? seq : first;
            }
        }
    }

    /** Stores {@code batches} batches of one chunk of {@code mid} (the last ends it); returns its first sequence. */
    private static long answer(String sid, String mid, int batches) throws Exception {
        long first = 0;
        for (int b = 0; b < batches; b++) {
            long seq = toHistory(sid, mid, b, 1, first, b == batches - 1);
            first = b == 0 ? seq : first;
        }
        return first;
    }

    private static double reads() throws Exception {
        return fixture.metric(HISTORY_READS);
    }

    /** Resumes {@code sid} from {@code cursor} until {@code lastId}; returns the chunk ids and the history messages read. */
    private static List<String> resume(String sid, String cursor, String lastId, double[] read) throws Exception {
        double before = reads();
        try (SseClient client = fixture.stream(sid, "Last-Event-ID", cursor)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> client.chunkIds().contains(lastId));
            read[0] = reads() - before;
            return new ArrayList<>(client.chunkIds());
        }
    }

    @Test
    @DisplayName("a resume on a pod that saw the message live reads from its first batch: its own and later batches, every later message")
    void resumeFromALiveSeenMessage() throws Exception {
        String sid = sid();
        earlierAnswers(sid);
        List<String> seenLive;
        long first;
        try (SseClient watcher = fixture.stream(sid)) {
            first = toHistory(sid, "m", 0, 1, 0, false);
            live(sid, "m", 0, 1, 0, false);
            toHistory(sid, "m", 1, 1, first, false);
            live(sid, "m", 1, 1, first, false);
            await().atMost(Duration.ofSeconds(5)).until(() -> watcher.chunkIds().contains("m:1"));
            seenLive = watcher.chunkIds();
        }
        assertThat(seenLive).containsExactly("m:0", "m:1");
        for (int b = 2; b < 10; b++) {
            toHistory(sid, "m", b, 1, first, b == 9);
        }
        answer(sid, "next", 5);
        double[] read = new double[1];

        List<String> resumed = resume(sid, "m:1", "next:4", read);

        List<String> expected = new ArrayList<>(ids("m", 2, 9));
        expected.addAll(ids("next", 0, 4));
        assertThat(resumed).containsExactlyElementsOf(expected);
        // One replay of m's 10 batches and next's 5, not the session's 315.
        assertThat(read[0]).isEqualTo(15);
    }

    @Test
    @DisplayName("after a failover (a pod that never saw the message) a resume of a server-made id starts by its time, is exact, and the next one starts at its first batch")
    void resumeOnAFreshPod() throws Exception {
        String sid = sid();
        earlierAnswers(sid);
        String mid = MessageIds.random();
        answer(sid, mid, 10);
        answer(sid, "next", 5);
        double byTime = fixture.metric("chat_replay_starts_total{from=\"time\"}");
        double[] read = new double[1];

        List<String> resumed = resume(sid, mid + ":3", "next:4", read);

        List<String> expected = new ArrayList<>(ids(mid, 4, 9));
        expected.addAll(ids("next", 0, 4));
        assertThat(resumed).containsExactlyElementsOf(expected);
        assertThat(fixture.metric("chat_replay_starts_total{from=\"time\"}")).isGreaterThan(byTime);
        // The first replay learned where the message begins (its chunk 0): the next resume reads only from there.
        assertThat(resume(sid, mid + ":3", "next:4", read)).containsExactlyElementsOf(expected);
        assertThat(read[0]).isEqualTo(15);
    }

    @Test
    @DisplayName("a resume of a message posted with an Idempotency-Key starts by its key record's time and is exact")
    void resumeOfAKeyedMessage() throws Exception {
        String sid = sid();
        earlierAnswers(sid);
        String key = "key-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"hi\"}", "Idempotency-Key", key)
                .statusCode()).isEqualTo(202);
        answer(sid, key, 6);
        double byTime = fixture.metric("chat_replay_starts_total{from=\"time\"}");
        double[] read = new double[1];

        assertThat(resume(sid, key + ":0", key + ":5", read)).containsExactlyElementsOf(ids(key, 1, 5));
        assertThat(fixture.metric("chat_replay_starts_total{from=\"time\"}")).isGreaterThan(byTime);
    }

    @Test
    @DisplayName("a hole in a live stream is repaired from the message's first batch, not the session's")
    void repairReadsNear() throws Exception {
        String sid = sid();
        earlierAnswers(sid);
        try (SseClient client = fixture.stream(sid)) {
            long first = toHistory(sid, "m", 0, 1, 0, false);
            live(sid, "m", 0, 1, 0, false);
            toHistory(sid, "m", 1, 1, first, false);
            live(sid, "m", 1, 1, first, false);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunkIds().contains("m:1"));
            toHistory(sid, "m", 2, 1, first, false);
            toHistory(sid, "m", 3, 1, first, false);
            toHistory(sid, "m", 4, 1, first, true);
            double before = reads();

            live(sid, "m", 4, 1, first, true); // chunks 2 and 3 never arrive live

            await().atMost(Duration.ofSeconds(10)).until(() -> client.chunkIds().contains("m:4"));
            assertThat(client.chunkIds()).containsExactlyElementsOf(ids("m", 0, 4));
            assertThat(reads() - before).isEqualTo(5);
        }
    }

    @Test
    @DisplayName("a near start that lands past the message's first batch is read again from the first batch, so nothing is lost")
    void aLateStartIsWidened() throws Exception {
        String sid = sid();
        long first = toHistory(sid, "m", 0, 1, 0, false);
        toHistory(sid, "m", 1, 1, first, false);
        long third = toHistory(sid, "m", 2, 1, first, false);
        try (SseClient watcher = fixture.stream(sid)) {
            // A live header that (wrongly) says the message begins at its third batch: the pod learns it.
            live(sid, "m", 3, 1, third, true);
            toHistory(sid, "m", 3, 1, third, true);
            await().atMost(Duration.ofSeconds(5)).until(() -> watcher.chunkIds().contains("m:3"));
        }
        double[] read = new double[1];

        assertThat(resume(sid, "m:0", "m:3", read)).containsExactlyElementsOf(ids("m", 1, 3));
        assertThat(read[0]).as("the near read (2 batches), then the full one (4)").isEqualTo(6);
    }
}
