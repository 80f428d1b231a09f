package dev.chatstream.loadtest.auth;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.chatstream.loadtest.fake.FakePod;
import dev.chatstream.loadtest.sse.Clients;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentitiesTest {
    private static final String SECRET = "a-load-test-secret-of-at-least-32-bytes!";

    @Test
    @DisplayName("takes the guest cookie pair out of Set-Cookie headers, attributes dropped")
    void readsTheGuestCookie() {
        assertThat(Identities.guestCookie(List.of("other=1; Path=/", "chat_guest=abc.def.ghi; Path=/; HttpOnly; SameSite=Lax")))
                .contains("chat_guest=abc.def.ghi");
        assertThat(Identities.guestCookie(List.of("chat_guest=; Max-Age=0"))).isEmpty();
        assertThat(Identities.guestCookie(List.of())).isEmpty();
    }

    @Test
    @DisplayName("mints HS256 tokens the pods can verify, one subject per session, with exp, iss and aud")
    void mintsVerifiableTokens() throws Exception {
        TokenMinter minter = new TokenMinter(new AuthOptions(AuthMode.JWT, SECRET, "issuer-x", "chat"));
        SignedJWT jwt = SignedJWT.parse(minter.mint("load-s1"));
        assertThat(jwt.verify(new MACVerifier(SECRET))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("load-s1");
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("issuer-x");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("chat");
        assertThat(jwt.getJWTClaimsSet().getExpirationTime()).isAfter(new Date());
    }

    @Test
    @DisplayName("refuses jwt mode without a secret, and a secret too short for HS256")
    void checksTheSecret() {
        assertThatThrownBy(() -> new AuthOptions(AuthMode.JWT, null, null, null)).hasMessageContaining("jwt-secret");
        assertThatThrownBy(() -> new AuthOptions(AuthMode.AUTO, "short", null, null)).hasMessageContaining("32 bytes");
    }

    @Test
    @Timeout(60)
    @DisplayName("gives each of more sessions than the post pool has connections its own guest cookie, fetched at once")
    void fetchesOneGuestPerSessionConcurrently() throws Exception {
        List<String> sessions = IntStream.range(0, 300).mapToObj(i -> "s" + i).toList();
        Vertx vertx = Vertx.vertx();
        // A post pool of 16 connections: the fetches only finish if each answered connection goes back to the pool.
        Clients clients = new Clients(vertx, 1, 1, 16, false);
        try (FakePod pod = FakePod.start(FakePod.Fault.GUEST_OWNERSHIP)) {
            Identities identities = Identities.resolve(clients.forPosts(), URI.create(pod.url()),
                    new AuthOptions(AuthMode.AUTO, null, null, null), sessions);
            assertThat(identities.mode()).isEqualTo(AuthMode.GUEST);
            assertThat(sessions.stream().map(identities::forSession).map(Credential::value).distinct())
                    .hasSize(sessions.size())
                    .allSatisfy(cookie -> assertThat(cookie).startsWith("chat_guest=g-"));
        } finally {
            clients.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
