package dev.chatstream.pod.registry;

import dev.chatstream.pod.config.RegistrySettings;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.registry.RegistryKeys;
import dev.chatstream.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pod's Redis registry writer against a real Redis: the writes of one session land in the order the pod
 * made them, whatever connection carries them, and the periodic refresh holds for as many sessions as a pod
 * holds streams.
 */
@Timeout(60)
class RedisRegistryWriterTest {
    private static RedisServer redisServer;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        redisServer = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
        redisServer.close();
    }

    @Test
    @DisplayName("a session closed and at once reopened stays registered, every time")
    void closeThenReopenStaysRegistered() throws Exception {
        Set<String> held = ConcurrentHashMap.newKeySet();
        // The pod's pool: several connections, so without ordering a removal can land after the re-registration.
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisServer.url())
                .setMaxPoolSize(4).setMaxPoolWaiting(4096));
        RedisRegistryWriter registry = writer(redis, "pod-order", held);
        List<String> sessions = new ArrayList<>();
        vertx.runOnContext(v -> {
            for (int i = 0; i < 300; i++) {
                String sid = "o-" + i;
                sessions.add(sid);
                held.add(sid);
                registry.sessionOpened(sid);
                held.remove(sid);
                registry.sessionClosed(sid);
                held.add(sid);
                registry.sessionOpened(sid);
            }
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> sessions.size() == 300 && registry.settled());
        RedisAPI api = RedisAPI.api(redis);
        List<String> missing = new ArrayList<>();
        for (String sid : sessions) {
            if (api.zscore(RegistryKeys.sessionPods(sid), "pod-order").await(2, TimeUnit.SECONDS) == null) {
                missing.add(sid);
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    @DisplayName("shutdown's removal right after a refresh went out leaves none of the pod's sessions registered, every time")
    void removalAfterARefreshInFlightLeavesNothing() throws Exception {
        Set<String> held = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 600; i++) {
            held.add("x-" + i);
        }
        // The pod's pool: the refresh and the removal may travel on different connections.
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisServer.url())
                .setMaxPoolSize(4).setMaxPoolWaiting(4096));
        RedisRegistryWriter registry = writer(redis, "pod-stop", held);
        java.util.concurrent.CompletableFuture<Void> removed = new java.util.concurrent.CompletableFuture<>();
        vertx.runOnContext(v -> {
            registry.refresh();
            // SIGTERM while that refresh's slices are on their way.
            registry.removeAll(Set.copyOf(held)).onComplete(ar -> removed.complete(null));
        });
        removed.get(20, TimeUnit.SECONDS);
        RedisAPI api = RedisAPI.api(redis);
        List<String> left = new ArrayList<>();
        for (String sid : held) {
            if (api.zscore(RegistryKeys.sessionPods(sid), "pod-stop").await(2, TimeUnit.SECONDS) != null) {
                left.add(sid);
            }
        }
        assertThat(left).as("still registered after the removal").isEmpty();
    }

    @Test
    @DisplayName("a refresh of 10,000 held sessions registers every one and the registry stays reachable")
    void refreshOfManySessionsStaysReachable() throws Exception {
        Set<String> held = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            held.add("r-" + i);
        }
        // The client as the pod builds it (default maxWaitingHandlers: 2,048 replies awaited per connection).
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisServer.url())
                .setMaxPoolSize(4).setMaxPoolWaiting(1024));
        RedisRegistryWriter registry = writer(redis, "pod-many", held);

        registry.refresh().await(30, TimeUnit.SECONDS);

        assertThat(registry.reachable()).as("reachable after the refresh").isTrue();
        RedisAPI api = RedisAPI.api(redis);
        for (String sid : List.of("r-0", "r-4999", "r-9999")) {
            assertThat(api.zscore(RegistryKeys.sessionPods(sid), "pod-many").await(2, TimeUnit.SECONDS))
                    .as("registered: %s", sid).isNotNull();
        }
        assertThat(api.dbsize().await(2, TimeUnit.SECONDS).toLong()).isEqualTo(10_000L);
    }

    /** A writer for {@code podId} holding the sessions in {@code held} (TTL and refresh: one minute). */
    private static RedisRegistryWriter writer(Redis redis, String podId, Set<String> held) {
        return new RedisRegistryWriter(vertx, redis,
                new RegistrySettings(true, URI.create(redisServer.url()), Duration.ofMinutes(1), Duration.ofMinutes(1)),
                podId, () -> Set.copyOf(held), held::contains, new PodMetrics());
    }
}
