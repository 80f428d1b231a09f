package dev.chatstream.browser;

import dev.chatstream.testkit.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A local OpenAI-compatible chat-completions server whose model answers with the question, word for word, a
 * few characters per streamed token. The workers use it as their {@code openai} provider, so a test chooses
 * an answer's exact text (Markdown, or HTML a model might write) by asking it, with
 * {@code "ai_provider": "openai"}; {@code demo} stays the default provider.
 */
final class EchoModel implements AutoCloseable {
    static final String MODEL = "echo";
    /** Small tokens: markup arrives cut in pieces, as a real model streams it. */
    private static final int TOKEN_CHARS = 6;

    private final Vertx vertx = Vertx.vertx();
    private final int port = FreePorts.next();

    private EchoModel() {
    }

    static EchoModel start() {
        EchoModel model = new EchoModel();
        try {
            model.vertx.createHttpServer().requestHandler(model::answer).listen(model.port, "127.0.0.1")
                    .await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            model.close();
            throw new IllegalStateException("the echo model did not start", e);
        }
        return model;
    }

    /** The {@code OPENAI_BASE_URL} of this server. */
    String baseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    private void answer(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            JsonArray messages = new JsonObject(body).getJsonArray("messages");
            String question = messages.getJsonObject(messages.size() - 1).getString("content");
            request.response().setChunked(true).putHeader("content-type", "text/event-stream");
            for (int i = 0; i < question.length(); i += TOKEN_CHARS) {
                String token = question.substring(i, Math.min(question.length(), i + TOKEN_CHARS));
                request.response().write("data: " + new JsonObject().put("model", MODEL).put("choices", new JsonArray()
                        .add(new JsonObject().put("index", 0).put("delta", new JsonObject().put("content", token))
                                .putNull("finish_reason"))).encode() + "\n\n");
            }
            request.response().end("data: {\"model\":\"" + MODEL + "\",\"choices\":[{\"index\":0,\"delta\":{},"
                    + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        });
    }

    @Override
    public void close() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the echo model did not stop within 10 s", e);
        }
    }
}
