package dev.chatstream.pod.sse;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.WithPod;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SSE over HTTP/2 (h2c): many streams share one connection, and each is handled on its own. */
@Timeout(60)
@WithPod(env = {"SSE_WRITE_BUFFER_BYTES", "16384", "HTTP2_CLEARTEXT", "true"})
class Http2StreamingTest {
    private static PodFixture fixture;
    private static HttpClientAgent client;

    @BeforeAll
    static void connect() {
        client = fixture.vertx.createHttpClient(new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_2)
                        .setHttp2ClearTextUpgrade(false),
                new PoolOptions().setHttp2MaxSize(1));
    }

    @AfterAll
    static void disconnect() throws Exception {
        client.close().await(10, TimeUnit.SECONDS);
    }

    private static String sid() {
        return "h2-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static HttpClientResponse open(String sessionId) throws Exception {
        return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                        .setPort(fixture.pod.port()).setURI("/api/sessions/" + sessionId + "/stream"))
                .compose(request -> request.send())
                .await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("over HTTP/2, a stream that stops reading is reset alone: the other stream on the same connection gets every chunk")
    void slowStreamIsResetAlone() throws Exception {
        String slowSid = sid();
        String fastSid = sid();
        HttpClientResponse slow = open(slowSid);
        StringBuilder fastBody = new StringBuilder();
        HttpClientResponse fast = open(fastSid);
        assertThat(slow.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(fast.request().connection()).as("one connection carries both streams").isSameAs(slow.request().connection());
        AtomicBoolean slowReset = new AtomicBoolean();
        AtomicBoolean connectionClosed = new AtomicBoolean();
        slow.exceptionHandler(e -> slowReset.set(true));
        slow.pause();
        fast.handler(data -> {
            synchronized (fastBody) {
                fastBody.append(data.toString());
            }
        });
        fast.request().connection().closeHandler(v -> connectionClosed.set(true));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> fixture.pod.router().holds(slowSid) && fixture.pod.router().holds(fastSid));

        List<String> texts = Collections.nCopies(20, "x".repeat(2000));
        long chunkId = 0;
        for (int i = 0; i < 500 && fixture.pod.router().holds(slowSid); i++) {
            fixture.toPod(slowSid, "m", chunkId, texts);
            chunkId += texts.size();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.pod.router().holds(slowSid));
        assertThat(fixture.metric("chat_chunks_dropped_total{reason=\"slow_client\"}")).isPositive();
        await().atMost(Duration.ofSeconds(5)).untilTrue(slowReset);

        fixture.toPod(fastSid, "f", 0, IntStream.range(0, 5).mapToObj(i -> "t" + i).toList());
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            synchronized (fastBody) {
                return fastBody.indexOf("id: f:4") >= 0;
            }
        });
        assertThat(connectionClosed).as("the connection stays up").isFalse();
        assertThat(fixture.pod.router().holds(fastSid)).isTrue();
    }
}
