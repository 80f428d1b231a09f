package dev.chatstream.loadtest.peers;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HttpLanesTest {
    private static Vertx vertx;
    private static HttpServer server;
    private static final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServer() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            received.add(request.path() + " " + body.toString(StandardCharsets.UTF_8));
            request.response().setStatusCode(request.path().startsWith("/refuse") ? 403 : 201).end("queued");
        })).listen(0, "127.0.0.1").await();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    @DisplayName("delivers pipelined requests of one lane in the order sent and reads every answer")
    void pipelinesInOrder() {
        HttpLanes lanes = HttpLanes.connect(vertx, "127.0.0.1", server.actualPort(), 1);
        try {
            for (int i = 0; i < 200; i++) {
                lanes.post(0, "/pub/ordered", Integer.toString(i).getBytes(StandardCharsets.UTF_8), "text/plain");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> received.stream().filter(r -> r.startsWith("/pub/ordered")).count() == 200);
            assertThat(received.stream().filter(r -> r.startsWith("/pub/ordered")).map(r -> r.substring(r.indexOf(' ') + 1)))
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 200).mapToObj(Integer::toString).toList());
            await().atMost(Duration.ofSeconds(20)).until(() -> lanes.maxInFlight() == 0);
            assertThat(lanes.failures()).isZero();
        } finally {
            lanes.close();
        }
    }

    @Test
    @DisplayName("counts an answer outside 2xx as a failed publish")
    void countsRefusals() {
        HttpLanes lanes = HttpLanes.connect(vertx, "127.0.0.1", server.actualPort(), 1);
        try {
            lanes.post(0, "/refuse/x", new byte[]{'1'}, "text/plain");
            lanes.post(0, "/pub/after-refusal", new byte[]{'2'}, "text/plain");
            await().atMost(Duration.ofSeconds(20)).until(() -> lanes.failures() == 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> received.contains("/pub/after-refusal 2"));
        } finally {
            lanes.close();
        }
    }
}
