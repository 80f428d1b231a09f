package dev.chatstream.system;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Plain HTTP calls to a pod, as a browser or curl would make them. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Response(int status, String body, Map<String, java.util.List<String>> headers) {
        JsonObject json() {
            return new JsonObject(body);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private Http() {
    }

    static Response post(int port, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        return send(builder.build());
    }

    static Response get(int port, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    /** Posts a chat message; returns the 202 body's message_id. */
    static String sendMessage(int port, String sessionId, String text, int maxTokens, String idempotencyKey) {
        JsonObject body = new JsonObject().put("message", text)
                .put("context", new JsonObject().put("ai_provider", "demo").put("max_tokens", maxTokens));
        Response response = post(port, "/api/sessions/" + sessionId + "/messages", body.encode(),
                idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
        if (response.status() != 202) {
            throw new AssertionError("POST answered " + response.status() + ": " + response.body());
        }
        return response.json().getString("message_id");
    }

    /** Posts a chat message as the user of {@code token} (a JWT); returns the whole response. */
    static Response postAs(int port, String token, String sessionId, String text, int maxTokens) {
        JsonObject body = new JsonObject().put("message", text)
                .put("context", new JsonObject().put("ai_provider", "demo").put("max_tokens", maxTokens));
        return post(port, "/api/sessions/" + sessionId + "/messages", body.encode(), Map.of("Authorization", "Bearer " + token));
    }

    private static Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
