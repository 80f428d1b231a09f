package dev.chatstream.pod.edge;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.WithPod;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pod's listener closes connections that hold it without sending a request, and keeps idle streams. */
@Timeout(60)
@WithPod(env = {"HTTP_HEADER_TIMEOUT", "1s", "HTTP_IDLE_TIMEOUT", "5s", "SSE_KEEPALIVE", "300ms"})
class ConnectionTimeoutsTest {
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration KEEPALIVE = Duration.ofMillis(300);
    private static PodFixture fixture;

    @Test
    @DisplayName("a connection that trickles its request head one header line at a time is closed after the header timeout")
    void slowHeadersAreCutOff() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", fixture.pod.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long opened = System.nanoTime();
            AtomicBoolean closed = new AtomicBoolean();
            AtomicInteger trickled = new AtomicInteger();
            // The attacker's pace: a line every 200 ms, for as long as the server keeps the connection.
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    while (!closed.get()) {
                        out.write(("X-Slow-" + trickled.incrementAndGet() + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException e) {
                    closed.set(true);
                }
            });

            int read = readUntilClosed(socket.getInputStream());
            long heldMillis = Duration.ofNanos(System.nanoTime() - opened).toMillis();
            closed.set(true);
            trickle.join(5_000);

            assertThat(read).as("the server answered nothing before closing").isEqualTo(-1);
            // Well before the idle timeout, which would close it too, only later.
            assertThat(heldMillis).isBetween(HEADER_TIMEOUT.toMillis() - 100, IDLE_TIMEOUT.toMillis() - 500);
            assertThat(trickled.get()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    @DisplayName("a connection that opens and sends nothing is closed after the header timeout")
    void silentConnectionsAreClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", fixture.pod.port())) {
            socket.setSoTimeout(10_000);
            long opened = System.nanoTime();

            assertThat(readUntilClosed(socket.getInputStream())).isEqualTo(-1);
            // Before the idle timeout would have closed it: the head deadline did.
            assertThat(Duration.ofNanos(System.nanoTime() - opened).toMillis()).isLessThan(IDLE_TIMEOUT.toMillis() - 500);
        }
    }

    @Test
    @DisplayName("an SSE stream that only receives keep-alives outlives the idle and header timeouts and still gets chunks")
    void idleStreamSurvives() throws Exception {
        String sid = "idle-" + System.nanoTime();
        try (SseClient client = fixture.stream(sid)) {
            int keepAlivesPastTimeouts = (int) (2 * IDLE_TIMEOUT.toMillis() / KEEPALIVE.toMillis());
            await().atMost(Duration.ofSeconds(30)).until(() -> client.ended()
                    || client.events().stream().filter(e -> e.comment() != null).count() >= keepAlivesPastTimeouts);
            assertThat(client.ended()).as("the stream was closed while idle").isFalse();

            fixture.toPod(sid, "m1", 0, List.of("still", "here"));
            await().atMost(Duration.ofSeconds(10)).until(() -> client.chunks().size() == 2);
            assertThat(client.ended()).isFalse();
        }
    }

    @Test
    @DisplayName("HTTP/2 cleartext is not offered unless HTTP2_CLEARTEXT=true: an h2c upgrade gets HTTP/1.1")
    void noH2cByDefault() throws Exception {
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> response = http2.send(HttpRequest.newBuilder(fixture.uri("/livez")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    /** Reads and discards until the server closes; -1 when it closed without sending a byte. */
    private static int readUntilClosed(InputStream in) throws IOException {
        int total = 0;
        try {
            int n;
            byte[] buffer = new byte[1024];
            while ((n = in.read(buffer)) != -1) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for 10 s", e);
        } catch (IOException e) {
            // A reset is a close too.
        }
        return total == 0 ? -1 : total;
    }
}
