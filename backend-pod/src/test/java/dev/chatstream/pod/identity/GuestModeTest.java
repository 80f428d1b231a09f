package dev.chatstream.pod.identity;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.WithPod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A pod in {@code AUTH_MODE=guest}: the signed cookie is issued, honoured, and owns sessions. */
@Timeout(60)
@WithPod(env = {"AUTH_MODE", "guest", "AUTH_GUEST_SECRET", "guest-secret-guest-secret-guest-secret"})
class GuestModeTest {
    private static PodFixture fixture;

    private static HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(fixture.uri(path));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code chat_guest=<value>} from a Set-Cookie, or null. */
    private static String guestCookie(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("chat_guest="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElse(null);
    }

    @Test
    @DisplayName("GET /api/me issues an HttpOnly SameSite=Lax guest cookie with a random g- user id")
    void meIssuesACookie() throws Exception {
        HttpResponse<String> me = get("/api/me", null);
        assertThat(me.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(me.body());
        assertThat(body.getString("auth_mode")).isEqualTo("guest");
        assertThat(body.getString("user_id")).matches("g-[A-Za-z0-9_-]{22}");
        String setCookie = me.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("chat_guest=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax")
                .contains("Path=/").contains("Max-Age=");
        assertThat(setCookie).doesNotContain("Secure");
    }

    @Test
    @DisplayName("a valid guest cookie keeps its user id and is not replaced; a forged one is replaced")
    void cookieIsHonoured() throws Exception {
        HttpResponse<String> first = get("/api/me", null);
        String cookie = guestCookie(first);
        HttpResponse<String> again = get("/api/me", cookie);
        assertThat(new JsonObject(again.body()).getString("user_id")).isEqualTo(new JsonObject(first.body()).getString("user_id"));
        assertThat(guestCookie(again)).isNull();
        HttpResponse<String> forged = get("/api/me", cookie.substring(0, cookie.length() - 3) + "AAA");
        assertThat(guestCookie(forged)).isNotNull();
        assertThat(new JsonObject(forged.body()).getString("user_id")).isNotEqualTo(new JsonObject(first.body()).getString("user_id"));
    }

    @Test
    @DisplayName("the chat page comes with a guest cookie")
    void pageIssuesACookie() throws Exception {
        HttpResponse<String> page = get("/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(guestCookie(page)).isNotNull();
    }

    @Test
    @DisplayName("a session opened by one guest is refused to another guest, on every pod path")
    void sessionsBelongToTheirGuest() throws Exception {
        String owner = guestCookie(get("/api/me", null));
        String other = guestCookie(get("/api/me", null));
        String sid = "s-" + UUID.randomUUID();
        try (SseClient mine = fixture.stream(sid, "Cookie", owner)) {
            assertThat(mine.status()).isEqualTo(200);
            try (SseClient theirs = fixture.stream(sid, "Cookie", other)) {
                assertThat(theirs.status()).isEqualTo(403);
            }
            assertThat(fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"x\"}", "Cookie", other)
                    .statusCode()).isEqualTo(403);
            assertThat(fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"x\"}", "Cookie", owner)
                    .statusCode()).isEqualTo(202);
        }
    }
}
