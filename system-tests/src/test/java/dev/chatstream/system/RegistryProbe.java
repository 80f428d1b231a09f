package dev.chatstream.system;

import dev.chatstream.registry.RegistryKeys;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** Reads the session registry in Redis the way a worker does. */
final class RegistryProbe {
    private RegistryProbe() {
    }

    /** Pods registered for {@code session} with an expiry in the future. */
    static List<String> livePods(Vertx vertx, String redisUrl, String session) {
        RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, redisUrl));
        try {
            Response members = redis.zrangebyscore(List.of(RegistryKeys.sessionPods(session),
                    Long.toString(System.currentTimeMillis()), "+inf")).await(2, TimeUnit.SECONDS);
            return members.stream().map(Response::toString).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            redis.close();
        }
    }

    static void awaitPods(Vertx vertx, String redisUrl, String session, int count, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> livePods(vertx, redisUrl, session).size() == count);
    }
}
