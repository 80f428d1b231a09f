package dev.chatstream.pod.app;

import dev.chatstream.pod.config.HttpSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The pod's HTTP listener options: what Vert.x allocates for every held SSE connection. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class HttpVerticleTest {
    private static final HttpSettings SETTINGS = new HttpSettings("127.0.0.1", 0, 1024);

    @Test
    @DisplayName("the listener runs in strict thread mode, offers no WebSocket compression and starts with a small decoder buffer")
    void optionsKeepConnectionsSmall() {
        HttpServerOptions options = HttpVerticle.options(SETTINGS);

        assertThat(options.getStrictThreadMode()).isTrue();
        assertThat(options.getPerFrameWebSocketCompressionSupported()).isFalse();
        assertThat(options.getPerMessageWebSocketCompressionSupported()).isFalse();
        assertThat(options.getDecoderInitialBufferSize()).isEqualTo(64);
        assertThat(options.getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    @DisplayName("a response is written directly by its event loop: a write from another thread is refused, not queued")
    void writesOffTheEventLoopAreRefused(Vertx vertx, VertxTestContext testContext) {
        AtomicReference<Throwable> offLoopWrite = new AtomicReference<>();
        vertx.createHttpServer(HttpVerticle.options(SETTINGS))
                .requestHandler(request -> {
                    HttpServerResponse response = request.response().setChunked(true);
                    Thread foreign = new Thread(() -> {
                        try {
                            response.write("from a foreign thread");
                        } catch (IllegalStateException e) {
                            offLoopWrite.set(e);
                        }
                    });
                    foreign.start();
                    vertx.executeBlocking(() -> {
                        foreign.join();
                        return null;
                    }).onComplete(joined -> response.end("from the event loop"));
                })
                .listen()
                .compose(server -> vertx.createHttpClient()
                        .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                        .compose(HttpClientRequest::send)
                        .compose(HttpClientResponse::body))
                .onComplete(testContext.succeeding(body -> testContext.verify(() -> {
                    assertThat(body.toString()).isEqualTo("from the event loop");
                    assertThat(offLoopWrite.get()).isInstanceOf(IllegalStateException.class);
                    testContext.completeNow();
                })));
    }
}
