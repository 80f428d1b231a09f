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
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An OpenAI-compatible chat-completions stream: {@code POST {base}/chat/completions} with
 * {@code stream: true}, answered by {@code data: {chunk}} events and a closing {@code data: [DONE]}.
 * Speaks to OpenAI, vLLM, Ollama and the llama.cpp server alike.
 */
public final class OpenAiProvider implements AiProvider {
    private static final String DONE = "[DONE]";

    private final Vertx vertx;
    private final HttpClient client;
    private final URI endpoint;
    private final Optional<String> apiKey;
    private final String defaultModel;
    private final Duration timeout;

    public OpenAiProvider(Vertx vertx, HttpClient client, URI baseUrl, Optional<String> apiKey, String defaultModel,
                          Duration timeout) {
        this.vertx = vertx;
        this.client = client;
        this.endpoint = URI.create(baseUrl + "/chat/completions");
        this.apiKey = apiKey;
        this.defaultModel = defaultModel;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public Generation stream(WorkflowRequest request, TokenSink sink) {
        WorkflowContext context = request.context();
        String model = context.model() != null ? context.model() : defaultModel;
        Map<String, String> headers = new HashMap<>();
        apiKey.ifPresent(key -> headers.put("authorization", "Bearer " + key));
        return SseCall.start(vertx, client, endpoint, headers, body(request, model).toBuffer(), timeout,
                new Protocol(model), sink);
    }

    static JsonObject body(WorkflowRequest request, String model) {
        WorkflowContext context = request.context();
        JsonArray messages = new JsonArray();
        if (context.systemPrompt() != null) {
            messages.add(new JsonObject().put("role", "system").put("content", context.systemPrompt()));
        }
        for (ConversationTurn turn : context.conversationHistory()) {
            messages.add(new JsonObject().put("role", turn.role()).put("content", turn.content()));
        }
        messages.add(new JsonObject().put("role", "user").put("content", request.message()));
        JsonObject body = new JsonObject().put("model", model).put("messages", messages).put("stream", true);
        if (context.temperature() != null) {
            body.put("temperature", context.temperature());
        }
        if (context.maxTokens() != null) {
            body.put("max_tokens", context.maxTokens());
        }
        return body;
    }

    /** Interprets {@code data:} events; the event name is not used by this API. */
    private static final class Protocol implements SseCall.Protocol {
        private final String requestedModel;
        private String model;
        private FinishReason finishReason;
        private Integer tokensUsed;
        private int deltas;

        Protocol(String requestedModel) {
            this.requestedModel = requestedModel;
        }

        @Override
        public void onEvent(String event, String data, SseCall call) {
            if (data.trim().equals(DONE)) {
                call.complete(completion());
                return;
            }
            JsonObject json;
            try {
                json = new JsonObject(data);
            } catch (DecodeException | ClassCastException e) {
                call.fail(ProviderFailure.MALFORMED_EVENT, "not a JSON object: " + shorten(data));
                return;
            }
            try {
                if (json.getValue("error") instanceof JsonObject error) {
                    Object type = error.getValue("type");
                    call.fail(ProviderFailure.inStream(type instanceof String t ? t : null,
                            "error event: " + shorten(String.valueOf(error.getValue("message", error.encode())))));
                    return;
                }
                if (json.getString("model") != null) {
                    model = json.getString("model");
                }
                if (json.getValue("usage") instanceof JsonObject usage
                        && usage.getValue("completion_tokens") instanceof Number n) {
                    tokensUsed = Completion.tokenCount(n);
                }
                JsonArray choices = json.getJsonArray("choices");
                if (choices == null) {
                    call.fail(ProviderFailure.MALFORMED_EVENT, "event has no choices: " + shorten(data));
                    return;
                }
                if (choices.isEmpty()) {
                    return; // e.g. the usage-only chunk some servers send last
                }
                JsonObject choice = choices.getJsonObject(0);
                JsonObject delta = choice.getJsonObject("delta");
                if (delta != null && delta.getValue("content") instanceof String text && !text.isEmpty()) {
                    deltas++;
                    call.token(text);
                }
                if (choice.getValue("finish_reason") instanceof String reason) {
                    finishReason = reason.equals("length") ? FinishReason.LENGTH : FinishReason.STOP;
                }
            } catch (ClassCastException e) {
                call.fail(ProviderFailure.MALFORMED_EVENT, "unexpected shape: " + shorten(data));
            }
        }

        @Override
        public void onEndOfStream(SseCall call) {
            // Some servers close after the finish_reason without [DONE]; without either the answer was cut.
            if (finishReason != null) {
                call.complete(completion());
            } else {
                call.fail(ProviderFailure.CONNECTION_LOST, "stream ended before [DONE]");
            }
        }

        private Completion completion() {
            return new Completion(finishReason == null ? FinishReason.STOP : finishReason,
                    tokensUsed != null ? tokensUsed : deltas, model != null ? model : requestedModel);
        }
    }

    static String shorten(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }
}
