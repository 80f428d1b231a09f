package dev.chatstream.pod.registry;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.RegistryProbe;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.WithPod;
import dev.chatstream.registry.RegistryKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(90)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithPod
class SessionRegistryTest {
    private static PodFixture fixture;

    private static String sid() {
        return "g-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static <T> T redis(Function<RedisAPI, Future<T>> call) {
        return RegistryProbe.redis(fixture, call);
    }

    /** The score (expiry, epoch ms) of this pod in the session's set, or null. */
    private static Long expiry(String sid) {
        return RegistryProbe.expiry(fixture, sid);
    }

    private static long keyTtlMillis(String sid) {
        return redis(api -> api.pttl(RegistryKeys.sessionPods(sid))).toLong();
    }

    @Test
    @Order(1)
    @DisplayName("the first connection of a session registers this pod with a future expiry, also set as the key's TTL")
    void registersOnFirstConnection() {
        String sid = sid();
        try (SseClient client = fixture.stream(sid)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> expiry(sid) != null);
            long now = System.currentTimeMillis();
            assertThat(expiry(sid)).isBetween(now, now + 3_500);
            assertThat(keyTtlMillis(sid)).isBetween(1L, 3_500L);
        }
    }

    @Test
    @Order(2)
    @DisplayName("entries are refreshed every interval while the session is open")
    void refreshes() {
        String sid = sid();
        try (SseClient client = fixture.stream(sid)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> expiry(sid) != null);
            long first = expiry(sid);
            await().atMost(Duration.ofSeconds(5)).until(() -> expiry(sid) > first + 500);
        }
    }

    @Test
    @Order(3)
    @DisplayName("the entry stays while a second connection is open and goes when the last one closes")
    void removesOnLastClose() {
        String sid = sid();
        SseClient first = fixture.stream(sid);
        SseClient second = fixture.stream(sid);
        await().atMost(Duration.ofSeconds(5)).until(() -> expiry(sid) != null);
        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.pod.router().connectionCount() == 1);
        assertThat(expiry(sid)).isNotNull();
        second.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> expiry(sid) == null);
    }

    @Test
    @Order(4)
    @DisplayName("a refresh drops members whose expiry passed (a dead or replaced pod) and keeps live ones")
    void dropsExpiredMembers() {
        String sid = sid();
        String key = RegistryKeys.sessionPods(sid);
        try (SseClient client = fixture.stream(sid)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> expiry(sid) != null);
            long future = System.currentTimeMillis() + 60_000;
            redis(api -> api.zadd(List.of(key, "1000", "dead-pod", Long.toString(future), "other-live-pod")));
            await().atMost(Duration.ofSeconds(5)).until(() -> redis(api -> api.zscore(key, "dead-pod")) == null);
            Response live = redis(api -> api.zscore(key, "other-live-pod"));
            assertThat(live == null ? null : live.toLong()).isEqualTo(future);
        }
    }

    @Test
    @Order(10)
    @DisplayName("with Redis down streaming goes on and health says so; after Redis comes back every open session is registered again")
    void survivesRedisOutage() throws Exception {
        String sid = sid();
        try (SseClient client = fixture.stream(sid)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> expiry(sid) != null);
            fixture.redis.kill();
            fixture.toPod(sid, "m", 0, List.of("a", "b"));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunks().size() == 2);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonObject health = new JsonObject(fixture.management("/api/health").body());
                assertThat(health.getJsonObject("redis").getBoolean("reachable")).isFalse();
            });
            assertThat(fixture.metric("chat_registry_errors_total")).isPositive();
            try (SseClient during = fixture.stream(sid())) {
                assertThat(during.status()).isEqualTo(200);
            }

            fixture.redis.restart();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> expiry(sid) != null);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonObject health = new JsonObject(fixture.management("/api/health").body());
                assertThat(health.getJsonObject("redis").getBoolean("reachable")).isTrue();
            });
            fixture.toPod(sid, "m", 2, List.of("c"));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunks().size() == 3);
        }
    }
}
