package dev.chatstream.pod.sse;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.SseEvent;
import dev.chatstream.pod.support.WithPod;
import dev.chatstream.schemas.ResponseChunk;
import io.vertx.core.json.JsonObject;
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

@Timeout(60)
@WithPod
class ResumeTest {
    private static PodFixture fixture;

    private static String sid() {
        return "r-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    @DisplayName("Last-Event-ID replays only the chunks after the cursor from history, then live ones, without duplicates")
    void resumesAfterTheCursor() throws Exception {
        String sid = sid();
        fixture.toHistory(sid, "old", 0, 1, texts(3));
        fixture.toHistory(sid, "m", 0, 1, texts(5));
        fixture.toHistory(sid, "m", 5, 1, texts(5));
        try (SseClient client = fixture.stream(sid, "Last-Event-ID", "m:6")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunks().size() >= 3);
            fixture.toPod(sid, "m", 8, texts(4));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunkIds().contains("m:11"));
            assertThat(client.chunkIds()).containsExactlyElementsOf(ids("m", 7, 11));
        }
    }

    @Test
    @DisplayName("the lastEventId query parameter resumes a first connection the same way")
    void resumesWithQueryParameter() throws Exception {
        String sid = sid();
        fixture.toHistory(sid, "m", 0, 1, texts(10));
        try (SseClient client = fixture.streamPath("/api/sessions/" + sid + "/stream?lastEventId=m:4")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunkIds().contains("m:9"));
            assertThat(client.chunkIds()).containsExactlyElementsOf(ids("m", 5, 9));
        }
    }

    @Test
    @DisplayName("live batches arriving while history is replayed are merged: no gap, no duplicate, in order")
    void mergesLiveDuringReplay() throws Exception {
        String sid = sid();
        for (int first = 0; first < 200; first += 10) {
            fixture.toHistory(sid, "m", first, 1, texts(10));
        }
        try (SseClient client = fixture.stream(sid, "Last-Event-ID", "m:2")) {
            fixture.toPod(sid, "m", 190, texts(15));
            fixture.toBroadcast(sid, "m", 200, texts(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> client.chunkIds().contains("m:209"));
            assertThat(client.chunkIds()).containsExactlyElementsOf(ids("m", 3, 209));
        }
    }

    @Test
    @DisplayName("chunks lost on the live path (a hole) are filled from history before live delivery goes on")
    void repairsALiveHole() throws Exception {
        String sid = sid();
        try (SseClient client = fixture.stream(sid)) {
            fixture.toHistory(sid, "m", 0, 1, texts(3));
            fixture.toPod(sid, "m", 0, texts(3));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunks().size() == 3);
            fixture.toHistory(sid, "m", 3, 1, texts(3));
            fixture.toHistory(sid, "m", 6, 1, texts(1));
            fixture.toPod(sid, "m", 6, texts(1));
            fixture.toPod(sid, "m", 7, texts(2));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunkIds().contains("m:8"));
            assertThat(client.chunkIds()).containsExactlyElementsOf(ids("m", 0, 8));
        }
    }

    @Test
    @DisplayName("a cursor history does not know yields a history_gap system chunk first, then live chunks")
    void unknownCursorGivesAGap() throws Exception {
        String sid = sid();
        fixture.toHistory(sid, "m", 0, 1, texts(3));
        try (SseClient client = fixture.stream(sid, "Last-Event-ID", "never-seen:41")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !client.chunks().isEmpty());
            fixture.toPod(sid, "live", 0, texts(2));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunks().size() >= 3);
            SseEvent gap = client.chunks().get(0);
            JsonObject chunk = new JsonObject(gap.data());
            assertThat(gap.id()).isEqualTo("never-seen:41");
            assertThat(chunk.getString("chunk_type")).isEqualTo("system");
            assertThat(chunk.getString("chunk")).isEqualTo(ResponseChunk.SYSTEM_HISTORY_GAP);
            assertThat(chunk.getString("session_id")).isEqualTo(sid);
            assertThat(client.chunkIds().subList(1, 3)).containsExactly("live:0", "live:1");
        }
    }

    @Test
    @DisplayName("a cursor for a session without any history yields the gap notice too")
    void emptyHistoryGivesAGap() {
        try (SseClient client = fixture.stream(sid(), "Last-Event-ID", "m:0")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !client.chunks().isEmpty());
            assertThat(new JsonObject(client.chunks().get(0).data()).getString("chunk")).isEqualTo("history_gap");
        }
    }

    @Test
    @DisplayName("a Last-Event-ID that is a token but no cursor yields the gap notice; one that is neither is a 400")
    void malformedCursors() throws Exception {
        try (SseClient client = fixture.stream(sid(), "Last-Event-ID", "garbage")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !client.chunks().isEmpty());
            SseEvent gap = client.chunks().get(0);
            assertThat(gap.id()).isEqualTo("garbage");
            assertThat(new JsonObject(gap.data()).getString("chunk")).isEqualTo("history_gap");
        }
        var refused = fixture.get("/api/sessions/" + sid() + "/stream?lastEventId=a.b:c");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("invalid_cursor");
    }

    @Test
    @DisplayName("a redelivered answer in history (higher attempt) is replayed from its restart chunk")
    void replaysARestartedAnswer() throws Exception {
        String sid = sid();
        fixture.toHistory(sid, "m", 0, 1, texts(4));
        fixture.toHistory(sid, "m", 4, 2, List.of("restart", "a", "b"));
        try (SseClient client = fixture.stream(sid, "Last-Event-ID", "m:1")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunks().size() >= 5);
            List<String> expected = new ArrayList<>(List.of("m:2", "m:3"));
            expected.addAll(ids("m", 4, 6));
            assertThat(client.chunkIds()).containsExactlyElementsOf(expected);
        }
    }
}
