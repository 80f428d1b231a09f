package dev.chatstream.worker.provider;

import dev.chatstream.schemas.ConversationTurn;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Anthropic's Messages API in streaming mode: {@code POST {base}/v1/messages} with {@code x-api-key},
 * {@code anthropic-version: 2023-06-01} and {@code stream: true}; events {@code message_start},
 * {@code content_block_start/delta/stop}, {@code message_delta}, {@code message_stop}, {@code ping}
 * and {@code error}. Unknown event types are ignored, as the API asks.
 */
public final class AnthropicProvider implements AiProvider {
    public static final String API_VERSION = "2023-06-01";
    /** The API requires {@code max_tokens}; used when the request has none. */
    public static final int DEFAULT_MAX_TOKENS = 1024;

    private final Vertx vertx;
    private final HttpClient client;
    private final URI endpoint;
    private final String apiKey;
    private final String defaultModel;
    private final Duration timeout;

    public AnthropicProvider(Vertx vertx, HttpClient client, URI baseUrl, String apiKey, String defaultModel,
                             Duration timeout) {
        this.vertx = vertx;
        this.client = client;
        this.endpoint = URI.create(baseUrl + "/v1/messages");
        this.apiKey = apiKey;
        this.defaultModel = defaultModel;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public Generation stream(WorkflowRequest request, TokenSink sink) {
        String model = request.context().model() != null ? request.context().model() : defaultModel;
        Map<String, String> headers = Map.of("x-api-key", apiKey, "anthropic-version", API_VERSION);
        return SseCall.start(vertx, client, endpoint, headers, body(request, model).toBuffer(), timeout,
                new Protocol(model), sink);
    }

    static JsonObject body(WorkflowRequest request, String model) {
        WorkflowContext context = request.context();
        StringBuilder system = new StringBuilder(context.systemPrompt() == null ? "" : context.systemPrompt());
        JsonArray messages = new JsonArray();
        for (ConversationTurn turn : context.conversationHistory()) {
            if (turn.role().equals("system")) {
                // The Messages API takes system text only at the top level.
                system.append(system.isEmpty() ? "" : "\n\n").append(turn.content());
            } else {
                messages.add(new JsonObject().put("role", turn.role()).put("content", turn.content()));
            }
        }
        messages.add(new JsonObject().put("role", "user").put("content", request.message()));
        JsonObject body = new JsonObject()
                .put("model", model)
                .put("max_tokens", context.maxTokens() != null ? context.maxTokens() : DEFAULT_MAX_TOKENS)
                .put("messages", messages)
                .put("stream", true);
        if (!system.isEmpty()) {
            body.put("system", system.toString());
        }
        if (context.temperature() != null) {
            body.put("temperature", Math.min(1.0, context.temperature()));
        }
        return body;
    }

    private static final class Protocol implements SseCall.Protocol {
        private String model;
        private FinishReason finishReason;
        private Integer outputTokens;
        private boolean started;

        Protocol(String requestedModel) {
            this.model = requestedModel;
        }

        @Override
        public void onEvent(String event, String data, SseCall call) {
            JsonObject json;
            try {
                json = new JsonObject(data);
            } catch (DecodeException | ClassCastException e) {
                call.fail(ProviderFailure.MALFORMED_EVENT, "not a JSON object: " + OpenAiProvider.shorten(data));
                return;
            }
            String type = event.isEmpty() ? String.valueOf(json.getValue("type")) : event;
            try {
                switch (type) {
                    case "message_start" -> {
                        started = true;
                        JsonObject message = json.getJsonObject("message");
                        if (message != null && message.getString("model") != null) {
                            model = message.getString("model");
                        }
                    }
                    case "content_block_delta" -> {
                        JsonObject delta = json.getJsonObject("delta");
                        if (delta == null) {
                            call.fail(ProviderFailure.MALFORMED_EVENT, "content_block_delta without delta");
                        } else if ("text_delta".equals(delta.getString("type"))) {
                            String text = delta.getString("text");
                            if (text == null) {
                                call.fail(ProviderFailure.MALFORMED_EVENT, "text_delta without text");
                            } else if (!text.isEmpty()) {
                                call.token(text);
                            }
                        }
                    }
                    case "message_delta" -> {
                        JsonObject delta = json.getJsonObject("delta");
                        if (delta != null && delta.getString("stop_reason") != null) {
                            finishReason = delta.getString("stop_reason").equals("max_tokens")
                                    ? FinishReason.LENGTH : FinishReason.STOP;
                        }
                        JsonObject usage = json.getJsonObject("usage");
                        if (usage != null && usage.getValue("output_tokens") instanceof Number n) {
                            outputTokens = Completion.tokenCount(n);
                        }
                    }
                    case "message_stop" -> call.complete(new Completion(
                            finishReason == null ? FinishReason.STOP : finishReason, outputTokens, model));
                    case "error" -> {
                        JsonObject error = json.getJsonObject("error");
                        String errorType = error == null ? null : error.getString("type");
                        String text = error == null ? OpenAiProvider.shorten(data)
                                : errorType + ": " + error.getString("message", "");
                        call.fail(ProviderFailure.inStream(errorType, "error event: " + text));
                    }
                    default -> {
                        // ping, content_block_start/stop and future event types carry nothing we need.
                    }
                }
            } catch (ClassCastException e) {
                call.fail(ProviderFailure.MALFORMED_EVENT, "unexpected shape of " + type + ": "
                        + OpenAiProvider.shorten(data));
            }
        }

        @Override
        public void onEndOfStream(SseCall call) {
            call.fail(ProviderFailure.CONNECTION_LOST, started
                    ? "stream ended before message_stop" : "stream ended without any event");
        }
    }
}
