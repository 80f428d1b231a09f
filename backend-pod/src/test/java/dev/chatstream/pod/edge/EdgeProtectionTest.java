package dev.chatstream.pod.edge;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.WithPod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What the pod's public port asks of a request before any route runs: content type, origin, and the headers it adds. */
@Timeout(60)
@WithPod(env = {"CORS_ALLOWED_ORIGINS", EdgeProtectionTest.ALLOWED + ", http://localhost:3000"})
class EdgeProtectionTest {
    static final String ALLOWED = "https://app.example.com";
    private static final String MESSAGE = "{\"message\":\"hi\",\"context\":{\"ai_provider\":\"demo\",\"max_tokens\":1}}";
    private static PodFixture fixture;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static String sid() {
        return "edge-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder postMessage(String sid) {
        return HttpRequest.newBuilder(fixture.uri("/api/sessions/" + sid + "/messages"))
                .POST(HttpRequest.BodyPublishers.ofString(MESSAGE));
    }

    private static String errorCode(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonObject("error").getString("code");
    }

    @Test
    @DisplayName("a message sent as text/plain is refused with 415 unsupported_media_type")
    void textPlainIsRefused() throws Exception {
        HttpResponse<String> response = send(postMessage(sid()).header("Content-Type", "text/plain"));

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(errorCode(response)).isEqualTo("unsupported_media_type");
    }

    @Test
    @DisplayName("a message sent without any Content-Type is refused with 415")
    void missingContentTypeIsRefused() throws Exception {
        HttpResponse<String> response = send(postMessage(sid()));

        assertThat(response.statusCode()).isEqualTo(415);
    }

    @Test
    @DisplayName("application/json with a UTF-8 charset parameter is accepted")
    void jsonWithCharsetIsAccepted() throws Exception {
        HttpResponse<String> response = send(postMessage(sid()).header("Content-Type", "Application/JSON; charset=UTF-8"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    @Test
    @DisplayName("a cancel without a body needs no Content-Type")
    void cancelWithoutBodyNeedsNoType() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                fixture.uri("/api/sessions/" + sid() + "/messages/m1/cancel")).POST(HttpRequest.BodyPublishers.noBody()));

        // No worker holds m1: the cancel ran and found nothing, it was not refused at the edge.
        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        assertThat(errorCode(response)).isEqualTo("message_not_found");
    }

    @Test
    @DisplayName("a preflight from an allowed origin is answered with that origin, credentials and the request headers the API reads")
    void preflightFromAllowedOrigin() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(fixture.uri("/api/sessions/" + sid() + "/messages"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ALLOWED)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, idempotency-key"));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED);
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(
                v -> assertThat(v).contains("POST", "GET"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(
                v -> assertThat(v).contains("Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"));
        assertThat(response.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Origin"));
    }

    @Test
    @DisplayName("a POST from an allowed origin is accepted and its answer is readable by that origin")
    void postFromAllowedOrigin() throws Exception {
        HttpResponse<String> response = send(postMessage(sid()).header("Content-Type", "application/json")
                .header("Origin", "http://localhost:3000"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:3000");
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(response.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(
                v -> assertThat(v).contains("Retry-After"));
    }

    @Test
    @DisplayName("a POST from another origin is refused with 403 forbidden_origin (cross-site request forgery)")
    void postFromOtherOriginIsForbidden() throws Exception {
        HttpResponse<String> response = send(postMessage(sid()).header("Content-Type", "application/json")
                .header("Origin", "https://evil.example.net"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(errorCode(response)).isEqualTo("forbidden_origin");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    @DisplayName("a preflight from another origin gets no CORS headers")
    void preflightFromOtherOriginIsRefused() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(fixture.uri("/api/sessions/" + sid() + "/messages"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com.evil.net")
                .header("Access-Control-Request-Method", "POST"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    @DisplayName("an SSE stream opened from another origin is refused with 403")
    void streamFromOtherOriginIsForbidden() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(fixture.uri("/api/sessions/" + sid() + "/stream"))
                .header("Origin", "https://evil.example.net").GET());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(errorCode(response)).isEqualTo("forbidden_origin");
    }

    @Test
    @DisplayName("a POST whose Origin is the pod's own origin passes (the chat page's own requests)")
    void postFromOwnOrigin() throws Exception {
        HttpResponse<String> response = send(postMessage(sid()).header("Content-Type", "application/json")
                .header("Origin", "http://127.0.0.1:" + fixture.pod.port()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    @DisplayName("the page is served with a content security policy, nosniff, no referrer and no framing")
    void pageHeaders() throws Exception {
        HttpResponse<String> page = fixture.get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
                "object-src 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    @DisplayName("the page has no inline script, inline handler or inline style, so its policy needs no 'unsafe-inline'")
    void pageHasNoInlineCode() throws Exception {
        String html = fixture.get("/").body();

        assertThat(html).containsPattern("<script src=\"[^\"]+\"");
        assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
                .doesNotContainPattern("(?i)\\son[a-z]+\\s*=")
                .doesNotContainPattern("(?i)\\sstyle\\s*=")
                .doesNotContainPattern("(?i)<style")
                .doesNotContainPattern("(?i)javascript:");
    }

    @Test
    @DisplayName("API answers, errors included, carry nosniff")
    void apiAnswersCarryNosniff() throws Exception {
        HttpResponse<String> refused = send(postMessage(sid()).header("Content-Type", "text/html"));
        HttpResponse<String> missing = fixture.get("/api/nothing-here");

        assertThat(refused.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(missing.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    @DisplayName("the management port serves /metrics, /api/health, /livez and /readyz")
    void managementPortServesOps() throws Exception {
        assertThat(fixture.management("/metrics").body()).contains("chat_sse_connections_active");
        assertThat(new JsonObject(fixture.management("/api/health").body()).getString("pod_id")).isEqualTo(fixture.podId());
        assertThat(fixture.management("/livez").statusCode()).isEqualTo(200);
        assertThat(fixture.management("/readyz").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("the public port keeps /livez and /readyz for load balancers but serves neither /metrics nor /api/health")
    void publicPortServesNoOps() throws Exception {
        assertThat(fixture.get("/livez").statusCode()).isEqualTo(200);
        assertThat(fixture.get("/readyz").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = fixture.get("/metrics");
        HttpResponse<String> health = fixture.get("/api/health");

        assertThat(metrics.statusCode()).isEqualTo(404);
        assertThat(metrics.body()).doesNotContain("chat_sse_connections_active");
        assertThat(health.statusCode()).isEqualTo(404);
        assertThat(health.body()).doesNotContain(fixture.podId());
    }
}
