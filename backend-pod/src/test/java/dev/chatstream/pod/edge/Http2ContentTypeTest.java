package dev.chatstream.pod.edge;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.WithPod;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON body rule over HTTP/2, where a body needs no Content-Length (h2c enabled for this pod). */
@Timeout(60)
@WithPod(env = {"HTTP2_CLEARTEXT", "true"})
class Http2ContentTypeTest {
    private static PodFixture fixture;
    private static HttpClientAgent client;

    @BeforeAll
    static void connect() {
        client = fixture.vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false), new PoolOptions().setHttp2MaxSize(1));
    }

    @AfterAll
    static void disconnect() throws Exception {
        client.close().await(10, TimeUnit.SECONDS);
    }

    private static Result post(String path, String contentType, String body) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(fixture.pod.port()).setURI(path);
        if (contentType != null) {
            options.putHeader("Content-Type", contentType);
        }
        // The body handler is set in the callback that delivers the response head, before any data arrives.
        return client.request(options)
                .compose(request -> body == null ? request.send() : request.setChunked(true).send(Buffer.buffer(body)))
                .compose(response -> response.body().map(b -> new Result(response.version(), response.statusCode(), b.toString())))
                .await(10, TimeUnit.SECONDS);
    }

    private record Result(HttpVersion version, int status, String body) {
        String code() {
            return new JsonObject(body).getJsonObject("error").getString("code");
        }
    }

    @Test
    @DisplayName("over HTTP/2 a cancel without a body and without a Content-Type reaches the cancel handler")
    void bodilessCancel() throws Exception {
        Result result = post("/api/sessions/h2-edge/messages/m1/cancel", null, null);

        assertThat(result.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(result.status()).as(result.body()).isEqualTo(404);
        assertThat(result.code()).isEqualTo("message_not_found");
    }

    @Test
    @DisplayName("over HTTP/2 a message streamed as text/plain without a length is refused with 415")
    void textPlainWithoutLength() throws Exception {
        Result result = post("/api/sessions/h2-edge/messages", "text/plain", "{\"message\":\"hi\"}");

        assertThat(result.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(result.status()).isEqualTo(415);
        assertThat(result.code()).isEqualTo("unsupported_media_type");
    }
}
