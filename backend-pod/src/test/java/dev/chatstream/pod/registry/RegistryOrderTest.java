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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry writes of one session land in the order the pod made them, whatever connection carries them. */
@Timeout(60)
class RegistryOrderTest {
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
        RedisRegistryWriter registry = new RedisRegistryWriter(vertx, redis,
                new RegistrySettings(true, URI.create(redisServer.url()), Duration.ofMinutes(1), Duration.ofMinutes(1)),
                "pod-order", () -> Set.copyOf(held), held::contains, new PodMetrics());
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
}
