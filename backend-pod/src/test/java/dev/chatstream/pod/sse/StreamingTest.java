package dev.chatstream.pod.sse;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.SseEvent;
import dev.chatstream.subjects.Subjects;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class StreamingTest {
    private static final int MAX_CONNECTIONS = 25;
    private static PodFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = PodFixture.start(Map.of(
                "MAX_CONNECTIONS", Integer.toString(MAX_CONNECTIONS),
                "SSE_KEEPALIVE", "400ms",
                "SSE_WRITE_BUFFER_BYTES", "16384"));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static String sid() {
        return "s-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<String> texts(int count) {
        return IntStream.range(0, count).mapToObj(i -> "t" + i).toList();
    }

    private static List<String> ids(String message, int from, int toInclusive) {
        return IntStream.rangeClosed(from, toInclusive).mapToObj(i -> message + ":" + i).toList();
    }

    @Test
    @DisplayName("a stream answers text/event-stream with no-cache, no proxy buffering, keep-alive, and starts with a retry hint")
    void streamHeadersAndRetryHint() {
        try (SseClient client = fixture.stream(sid())) {
            assertThat(client.status()).isEqualTo(200);
            assertThat(client.headers().get("Content-Type")).isEqualTo("text/event-stream");
            assertThat(client.headers().get("Cache-Control")).isEqualTo("no-cache");
            assertThat(client.headers().get("X-Accel-Buffering")).isEqualTo("no");
            assertThat(client.headers().get("Connection")).isEqualTo("keep-alive");
            assertThat(client.headers().get("Content-Encoding")).isNull();
            await().atMost(Duration.ofSeconds(5)).until(() -> !client.events().isEmpty());
            assertThat(client.raw()).startsWith("retry: 1500\n\n");
        }
    }

    @Test
    @DisplayName("a batch published to the pod subject reaches both connections of the session exactly once, in order")
    void routesToEveryConnection() throws Exception {
        String sid = sid();
        try (SseClient first = fixture.stream(sid); SseClient second = fixture.stream(sid); SseClient other = fixture.stream(sid())) {
            fixture.toPod(sid, "m1", 0, texts(3));
            fixture.toPod(sid, "m1", 3, texts(2));
            await().atMost(Duration.ofSeconds(5)).until(() -> first.chunks().size() >= 5 && second.chunks().size() >= 5);
            fixture.toPod(sid, "m2", 0, texts(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> first.chunks().size() >= 6 && second.chunks().size() >= 6);
            List<String> expected = new ArrayList<>(ids("m1", 0, 4));
            expected.add("m2:0");
            assertThat(first.chunkIds()).containsExactlyElementsOf(expected);
            assertThat(second.chunkIds()).containsExactlyElementsOf(expected);
            SseEvent event = first.chunks().get(0);
            JsonObject chunk = new JsonObject(event.data());
            assertThat(chunk.getString("session_id")).isEqualTo(sid);
            assertThat(chunk.getLong("chunk_id")).isZero();
            assertThat(other.chunks()).isEmpty();
        }
    }

    @Test
    @DisplayName("a broadcast reaches the session's connection; a broadcast for a session held nowhere here is dropped")
    void broadcasts() throws Exception {
        String sid = sid();
        double notLocalBefore = fixture.metric("chat_chunks_dropped_total{reason=\"not_local\"}");
        try (SseClient client = fixture.stream(sid)) {
            fixture.toBroadcast("nobody-" + sid, "x", 0, texts(4));
            fixture.toBroadcast(sid, "m", 0, texts(2));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunks().size() >= 2);
            assertThat(client.chunkIds()).containsExactly("m:0", "m:1");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(fixture.metric("chat_chunks_dropped_total{reason=\"not_local\"}")).isGreaterThanOrEqualTo(notLocalBefore + 4));
        }
    }

    @Test
    @DisplayName("a batch arriving by the pod subject and by broadcast is written once")
    void deduplicatesAcrossPaths() throws Exception {
        String sid = sid();
        try (SseClient client = fixture.stream(sid)) {
            fixture.toPod(sid, "m", 0, texts(3));
            fixture.toBroadcast(sid, "m", 0, texts(3));
            fixture.toBroadcast(sid, "m", 3, texts(2));
            fixture.toPod(sid, "m", 3, texts(2));
            fixture.toPod(sid, "end", 0, texts(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunkIds().contains("end:0"));
            List<String> expected = new ArrayList<>(ids("m", 0, 4));
            expected.add("end:0");
            assertThat(client.chunkIds()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    @DisplayName("a redelivered answer (higher Chat-Attempt) is written again from its restart; the stale attempt is dropped")
    void restartSemantics() throws Exception {
        String sid = sid();
        String podSubject = Subjects.podResponse(fixture.podId());
        try (SseClient client = fixture.stream(sid)) {
            fixture.publishBatch(podSubject, sid, "m", 0, 1, texts(3));
            fixture.publishBatch(podSubject, sid, "m", 3, 2, List.of("restart", "a", "b"));
            fixture.publishBatch(podSubject, sid, "m", 3, 1, texts(2));
            fixture.publishBatch(podSubject, sid, "m", 6, 2, List.of("c"));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunks().size() >= 7);
            fixture.toPod(sid, "end", 0, texts(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunkIds().contains("end:0"));
            assertThat(client.chunkIds()).containsExactly("m:0", "m:1", "m:2", "m:3", "m:4", "m:5", "m:6", "end:0");
        }
    }

    @Test
    @DisplayName("a pod frame's batches reach the clients of their own sessions, each in order")
    void podFrame() throws Exception {
        String a = sid();
        String b = sid();
        try (SseClient clientA = fixture.stream(a); SseClient clientB = fixture.stream(b)) {
            fixture.toPodAsFrame(List.of(new PodFixture.FrameBatch(a, "ma", 0, texts(2)),
                    new PodFixture.FrameBatch(b, "mb", 0, texts(1)),
                    new PodFixture.FrameBatch(a, "ma", 2, texts(1)),
                    new PodFixture.FrameBatch("not-here", "mx", 0, texts(1))));
            await().atMost(Duration.ofSeconds(5)).until(() -> clientA.chunks().size() >= 3 && clientB.chunks().size() >= 1);
            assertThat(clientA.chunkIds()).containsExactly("ma:0", "ma:1", "ma:2");
            assertThat(clientB.chunkIds()).containsExactly("mb:0");
        }
    }

    @Test
    @DisplayName("an idle stream gets keep-alive comment lines")
    void keepAlive() {
        try (SseClient client = fixture.stream(sid())) {
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    client.events().stream().filter(e -> "ka".equals(e.comment())).count() >= 2);
        }
    }

    @Test
    @DisplayName("chunk delivery latency is measured from Chat-Published-At into chat_chunk_delivery_seconds")
    void measuresLatency() throws Exception {
        String sid = sid();
        try (SseClient client = fixture.stream(sid)) {
            fixture.toPod(sid, "m", 0, texts(2));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunks().size() >= 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.metric("chat_chunk_delivery_seconds_count") > 0);
            assertThat(fixture.metric("chat_chunks_delivered_total")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    @DisplayName("a client that stops reading is disconnected once its buffer stays full, and counted as slow")
    void disconnectsSlowClients() throws Exception {
        String sid = sid();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", fixture.pod.port()));
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/sessions/" + sid + "/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.pod.router().holds(sid));
            String big = "x".repeat(2000);
            List<String> texts = Collections.nCopies(20, big);
            long chunkId = 0;
            for (int i = 0; i < 2000 && fixture.pod.router().holds(sid); i++) {
                fixture.toPod(sid, "m", chunkId, texts);
                chunkId += texts.size();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.pod.router().holds(sid));
            assertThat(fixture.metric("chat_chunks_dropped_total{reason=\"slow_client\"}")).isPositive();
            // The connection is gone: reading drains what was buffered and then ends.
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            int read;
            try {
                while ((read = in.read(buffer)) >= 0) {
                    assertThat(read).isGreaterThanOrEqualTo(0);
                }
            } catch (java.net.SocketException reset) {
                // reset by the server: also gone
            }
        }
        assertThat(fixture.get("/livez").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("past MAX_CONNECTIONS a new stream is refused with a JSON 503 and Retry-After")
    void connectionCap() throws Exception {
        List<SseClient> open = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.pod.router().connectionCount() == 0);
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                open.add(fixture.stream(sid()));
            }
            assertThat(open).allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
            var refused = fixture.get("/api/sessions/" + sid() + "/stream");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("too_many_connections");
        } finally {
            open.forEach(SseClient::close);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.pod.router().connectionCount() == 0);
        try (SseClient again = fixture.stream(sid())) {
            assertThat(again.status()).isEqualTo(200);
        }
    }
}
