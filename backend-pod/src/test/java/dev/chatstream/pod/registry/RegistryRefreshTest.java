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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The periodic refresh holds for as many sessions as a pod holds streams. */
@Timeout(60)
class RegistryRefreshTest {
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
    @DisplayName("a refresh of 10,000 held sessions registers every one and the registry stays reachable")
    void refreshOfManySessionsStaysReachable() throws Exception {
        Set<String> held = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            held.add("r-" + i);
        }
        // The client as the pod builds it (default maxWaitingHandlers: 2,048 replies awaited per connection).
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisServer.url())
                .setMaxPoolSize(4).setMaxPoolWaiting(1024));
        PodMetrics metrics = new PodMetrics();
        RedisRegistryWriter registry = new RedisRegistryWriter(vertx, redis,
                new RegistrySettings(true, URI.create(redisServer.url()), Duration.ofMinutes(1), Duration.ofMinutes(1)),
                "pod-many", () -> Set.copyOf(held), held::contains, metrics);

        registry.refresh().await(30, TimeUnit.SECONDS);

        assertThat(registry.reachable()).as("reachable after the refresh").isTrue();
        RedisAPI api = RedisAPI.api(redis);
        for (String sid : List.of("r-0", "r-4999", "r-9999")) {
            assertThat(api.zscore(RegistryKeys.sessionPods(sid), "pod-many").await(2, TimeUnit.SECONDS))
                    .as("registered: %s", sid).isNotNull();
        }
        assertThat(api.dbsize().await(2, TimeUnit.SECONDS).toLong()).isEqualTo(10_000L);
    }
}
