package dev.chatstream.pod.sse;

import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.routing.Batch;
import dev.chatstream.pod.routing.SessionRouter;
import dev.chatstream.pod.routing.ClientSink;
import dev.chatstream.pod.resume.ClientConnection;
import dev.chatstream.pod.resume.Replayer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The SSE transport against a real Vert.x HTTP server, without NATS: threads and framing on the wire. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class SseTransportTest {

    /** Records whether any write ran off an event loop. */
    private record ThreadCheckingSink(ClientSink delegate, AtomicBoolean offLoop) implements ClientSink {
        @Override
        public void execute(Runnable task) {
            delegate.execute(task);
        }

        @Override
        public void write(Buffer bytes) {
            if (!Context.isOnEventLoopThread()) {
                offLoop.set(true);
            }
            delegate.write(bytes);
        }

        @Override
        public boolean writeQueueFull() {
            return delegate.writeQueueFull();
        }

        @Override
        public void onDrain(Runnable task) {
            delegate.onDrain(task);
        }

        @Override
        public void close(Buffer lastBytes) {
            delegate.close(lastBytes);
        }

        @Override
        public void abort() {
            delegate.abort();
        }
    }

    private HttpClient client;

    @Test
    @DisplayName("a batch routed from a foreign thread is written by each connection's own event loop, once per connection")
    void writesOnTheEventLoop(Vertx vertx, VertxTestContext testContext) {
        SessionRouter router = new SessionRouter(new PodMetrics());
        AtomicBoolean offLoop = new AtomicBoolean();
        Checkpoint received = testContext.checkpoint(2);
        vertx.createHttpServer()
                .requestHandler(request -> {
                    HttpServerResponse response = request.response().setChunked(true)
                            .putHeader("Content-Type", "text/event-stream");
                    response.write(SseFrames.retry(java.time.Duration.ofMillis(500)));
                    ResponseSink sink = new ResponseSink(response, request.connection(), vertx.getOrCreateContext(), false);
                    ClientConnection subscriber = new ClientConnection("s", new ThreadCheckingSink(sink, offLoop), ChunkEventEncoder.INSTANCE, new PodMetrics(), Replayer.none(), null, null);
                    router.attach(subscriber);
                    response.closeHandler(v -> router.detach(subscriber));
                })
                .listen(0, "127.0.0.1")
                .onComplete(testContext.succeeding(server -> {
                    // Held by the test: Vert.x closes a client nobody references (its pool then fails in-flight
                    // requests with "Pool closed" when a GC runs mid-test).
                    client = vertx.createHttpClient();
                    for (int i = 0; i < 2; i++) {
                        client
                                .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                                .compose(HttpClientRequest::send)
                                .onComplete(testContext.succeeding(response -> {
                                    StringBuilder text = new StringBuilder();
                                    response.handler(buffer -> {
                                        text.append(buffer.toString(StandardCharsets.UTF_8));
                                        if (text.toString().contains("id: m:1\n")) {
                                            testContext.verify(() -> {
                                                assertThat(text.toString()).isEqualTo("retry: 500\n\n"
                                                        + "event: chunk\nid: m:0\ndata: {\"a\":0}\n\n"
                                                        + "event: chunk\nid: m:1\ndata: {\"a\":1}\n\n");
                                                assertThat(offLoop).isFalse();
                                            });
                                            received.flag();
                                        }
                                    });
                                    if (router.connectionCount() == 2) {
                                        new Thread(() -> router.route("s", () -> new Batch("s", "m", 0, 1, 0,
                                                "{\"a\":0}\n{\"a\":1}".getBytes(StandardCharsets.UTF_8), false))).start();
                                    }
                                }));
                    }
                }));
    }
}
