package dev.chatstream.pod.sse;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Future;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/** What an open stream keeps of its handshake, against a real Vert.x HTTP server. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class HandshakeMemoryTest {

    /** Serves one request with {@code handler} and returns the client's view: head and body. */
    private static Future<HttpClientResponse> serve(Vertx vertx, BiConsumer<HttpServerRequest, HttpServerResponse> handler) {
        return vertx.createHttpServer()
                .requestHandler(request -> handler.accept(request, request.response()))
                .listen(0, "127.0.0.1")
                .compose((HttpServer server) -> vertx.createHttpClient()
                        .request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                                .setPort(server.actualPort()).setURI("/stream?lastEventId=m:3")
                                .putHeader("Cookie", "session=" + "x".repeat(200))
                                .putHeader("Accept", "text/event-stream"))
                        .compose(HttpClientRequest::send));
    }

    @Test
    @DisplayName("once the head is sent, the request and response headers are dropped, and the stream goes on")
    void dropsTheHandshakeOnceTheHeadIsOut(Vertx vertx, VertxTestContext testContext) {
        int[] kept = new int[2];
        serve(vertx, (request, response) -> {
            response.setChunked(true).putHeader("Content-Type", "text/event-stream");
            response.write("retry: 500\n\n");
            HandshakeMemory.release(request, response);
            kept[0] = request.headers().size();
            kept[1] = response.headers().size();
            vertx.setTimer(50, id -> response.end(": last\n\n"));
        }).compose(response -> {
            testContext.verify(() -> assertThat(response.getHeader("Content-Type")).isEqualTo("text/event-stream"));
            return response.body();
        }).onComplete(testContext.succeeding((Buffer body) -> testContext.verify(() -> {
            assertThat(body.toString()).isEqualTo("retry: 500\n\n: last\n\n");
            assertThat(kept).containsExactly(0, 0);
            testContext.completeNow();
        })));
    }

    @Test
    @DisplayName("a response whose head is not written yet keeps its headers")
    void keepsHeadersNotYetSent(Vertx vertx, VertxTestContext testContext) {
        serve(vertx, (request, response) -> {
            response.putHeader("Content-Type", "text/event-stream");
            HandshakeMemory.release(request, response);
            response.end("data: x\n\n");
        }).compose(response -> {
            testContext.verify(() -> assertThat(response.getHeader("Content-Type")).isEqualTo("text/event-stream"));
            return response.body();
        }).onComplete(testContext.succeeding(body -> testContext.verify(() -> {
            assertThat(body.toString()).isEqualTo("data: x\n\n");
            testContext.completeNow();
        })));
    }
}
