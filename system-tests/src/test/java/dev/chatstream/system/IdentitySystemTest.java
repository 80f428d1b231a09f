package dev.chatstream.system;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.chatstream.system.ChunkAssertions.assertComplete;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 across processes: two pods in {@code AUTH_MODE=jwt}, one worker, real NATS and Redis. Sessions
 * belong to their first user on every pod; another user is refused everywhere; one user's flood does not
 * starve another user.
 */
@Tag("slow")
@Timeout(180)
class IdentitySystemTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(2, 1,
            Map.of("AUTH_MODE", "jwt", "AUTH_JWT_SECRET", Tokens.SECRET, "REGISTRY_REFRESH_INTERVAL", "500ms",
                    "REGISTRY_TTL", "3s"),
            Map.of("DEMO_TOKEN_DELAY_MS", "10")));

    private static int port(int pod) {
        return env.cluster().pod(pod).port();
    }

    private static String session() {
        return "s-" + UUID.randomUUID();
    }

    private static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    @DisplayName("another user is refused on stream, resume, POST and cancel on both pods, and the owner's answer finishes untouched")
    void anotherUserIsRefusedEverywhere() {
        String alice = Tokens.forUser(user("alice"));
        String bob = Tokens.forUser(user("bob"));
        String session = session();
        try (SseClient owner = SseClient.openAs(env.vertx(), port(1), session, alice, null)) {
            Http.Response accepted = Http.postAs(port(0), alice, session, "mine", 150);
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            String messageId = accepted.json().getString("message_id");
            owner.awaitChunks(messageId, 3, ANSWER_TIMEOUT);

            for (int pod = 0; pod < 2; pod++) {
                assertThat(Http.postAs(port(pod), bob, session, "theirs", 5).status()).isEqualTo(403);
                Http.Response cancel = Http.post(port(pod), "/api/sessions/" + session + "/messages/" + messageId + "/cancel",
                        "", Map.of("Authorization", "Bearer " + bob));
                assertThat(cancel.status()).isEqualTo(403);
                try (SseClient stream = SseClient.openAs(env.vertx(), port(pod), session, bob, null);
                     SseClient resume = SseClient.openAs(env.vertx(), port(pod), session, bob, messageId + ":0")) {
                    assertThat(stream.status()).isEqualTo(403);
                    assertThat(resume.status()).isEqualTo(403);
                }
            }

            owner.awaitFinal(messageId, ANSWER_TIMEOUT);
            assertComplete(owner.chunks(messageId), 150);
            assertThat(owner.chunks(messageId).get(owner.chunks(messageId).size() - 1).json()
                    .getJsonObject("metadata").getString("finish_reason")).isEqualTo("stop");
        }
    }

    @Test
    @DisplayName("resuming on the other pod needs the same user: the owner gets every chunk, another user a 403")
    void resumeOnTheOtherPodNeedsTheSameUser() {
        String alice = Tokens.forUser(user("alice"));
        String bob = Tokens.forUser(user("bob"));
        String session = session();
        SseClient first = SseClient.openAs(env.vertx(), port(0), session, alice, null);
        String messageId;
        try (first) {
            Http.Response accepted = Http.postAs(port(0), alice, session, "resume me", 120);
            assertThat(accepted.status()).isEqualTo(202);
            messageId = accepted.json().getString("message_id");
            first.awaitChunks(messageId, 20, ANSWER_TIMEOUT);
        }
        // The cursor is the last chunk of what this client kept: one read before the close could miss a chunk
        // that arrived in between, which the resume then sends again.
        List<SseEvent> seen = new ArrayList<>(first.chunks(messageId));
        String cursor = seen.getLast().id();
        try (SseClient stranger = SseClient.openAs(env.vertx(), port(1), session, bob, cursor)) {
            assertThat(stranger.status()).isEqualTo(403);
        }
        try (SseClient resumed = SseClient.openAs(env.vertx(), port(1), session, alice, cursor)) {
            assertThat(resumed.status()).isEqualTo(200);
            resumed.awaitFinal(messageId, ANSWER_TIMEOUT);
            seen.addAll(resumed.chunks(messageId));
        }
        assertComplete(seen, 120);
    }

    @Test
    @DisplayName("while one user floods with long answers and gets 429s, another user's first token arrives within 5 s")
    void floodingUserDoesNotStarveAnother() {
        String flooder = Tokens.forUser(user("flooder"));
        String other = Tokens.forUser(user("other"));
        String floodSession = session();
        List<String> accepted = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 30; i++) {
            Http.Response response = Http.postAs(port(i % 2), flooder, floodSession, "long " + i, 100_000);
            if (response.status() == 202) {
                accepted.add(response.json().getString("message_id"));
            } else {
                assertThat(response.status()).as(response.body()).isEqualTo(429);
                assertThat(response.header("Retry-After")).isNotNull();
                refused++;
            }
        }
        assertThat(refused).as("the flood is refused past the user's limits").isGreaterThan(0);
        assertThat(accepted.size()).isLessThanOrEqualTo(4);
        try {
            String session = session();
            try (SseClient stream = SseClient.openAs(env.vertx(), port(1), session, other, null)) {
                long start = System.nanoTime();
                Http.Response mine = Http.postAs(port(0), other, session, "me too", 5);
                assertThat(mine.status()).as(mine.body()).isEqualTo(202);
                stream.awaitChunks(mine.json().getString("message_id"), 1, Duration.ofSeconds(5));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        } finally {
            // The flooder's answers would run for minutes: stop them (its own cancels are allowed).
            for (String messageId : accepted) {
                Http.post(port(0), "/api/sessions/" + floodSession + "/messages/" + messageId + "/cancel", "",
                        Map.of("Authorization", "Bearer " + flooder));
            }
        }
    }
}
