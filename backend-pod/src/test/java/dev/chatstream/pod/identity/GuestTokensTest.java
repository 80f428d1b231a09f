package dev.chatstream.pod.identity;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class GuestTokensTest {
    private static final byte[] SECRET = "guest-secret-guest-secret-guest-secret".getBytes(StandardCharsets.UTF_8);

    @Test
    @DisplayName("a guest token issued with the secret verifies to its random g- user id")
    void roundTrips() {
        GuestTokens tokens = new GuestTokens(SECRET);
        String id = GuestTokens.newUserId();
        assertThat(id).matches("g-[A-Za-z0-9_-]{22}");
        assertThat(tokens.verify(tokens.issue(id))).contains(id);
    }

    @Test
    @DisplayName("a guest token signed with another secret, or tampered with, is not accepted")
    void refusesForeignTokens() {
        String id = GuestTokens.newUserId();
        String foreign = new GuestTokens("other-secret-other-secret-other-secret".getBytes(StandardCharsets.UTF_8)).issue(id);
        GuestTokens tokens = new GuestTokens(SECRET);
        assertThat(tokens.verify(foreign)).isEmpty();
        String mine = tokens.issue(id);
        assertThat(tokens.verify(mine.substring(0, mine.length() - 2) + "xx")).isEmpty();
        assertThat(tokens.verify("garbage")).isEmpty();
    }
}
