package dev.chatstream.pod.support;

import dev.chatstream.registry.RegistryKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Reads the session registry in a {@link PodFixture}'s redis-server, as a worker would, over a client of its own. */
public final class RegistryProbe {

    private RegistryProbe() {
    }

    /** Runs one Redis call on a fresh client and waits up to 2 s for its answer. */
    public static <T> T redis(PodFixture fixture, Function<RedisAPI, Future<T>> call) {
        RedisAPI api = RedisAPI.api(Redis.createClient(fixture.vertx, fixture.redis.url()));
        try {
            return call.apply(api).await(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            api.close();
        }
    }

    /** The score (expiry, epoch ms) of the fixture's pod in the session's set, or null. */
    public static Long expiry(PodFixture fixture, String sid) {
        Response score = redis(fixture, api -> api.zscore(RegistryKeys.sessionPods(sid), fixture.podId()));
        return score == null ? null : score.toLong();
    }
}
