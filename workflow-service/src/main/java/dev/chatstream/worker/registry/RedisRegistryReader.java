package dev.chatstream.worker.registry;

import dev.chatstream.registry.RegistryKeys;
import dev.chatstream.subjects.SubjectToken;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code chat:session:{sid}:pods} (members whose expiry score is in the future) through a
 * circuit breaker: each lookup is bounded by {@code REGISTRY_LOOKUP_TIMEOUT}; after
 * {@code REGISTRY_BREAKER_MAX_FAILURES} failures the breaker opens and lookups fail at once — callers
 * broadcast without waiting — until a trial lookup after {@code REGISTRY_BREAKER_RESET} succeeds.
 */
public final class RedisRegistryReader implements SessionRegistry {
    private final Redis redis;
    private final CircuitBreaker breaker;
    private final Clock clock;

    public RedisRegistryReader(Redis redis, CircuitBreaker breaker, Clock clock) {
        this.redis = redis;
        this.breaker = breaker;
        this.clock = clock;
    }

    @Override
    public Future<List<String>> podsOf(String sessionId) {
        Request request = Request.cmd(Command.ZRANGEBYSCORE)
                .arg(RegistryKeys.sessionPods(sessionId))
                .arg(clock.millis())
                .arg("+inf");
        return breaker.<Response>execute(() -> redis.send(request)).map(RedisRegistryReader::podIds);
    }

    @Override
    public boolean available() {
        return breaker.state() != CircuitBreakerState.OPEN;
    }

    private static List<String> podIds(Response response) {
        if (response == null) {
            return List.of();
        }
        List<String> pods = new ArrayList<>(response.size());
        for (Response member : response) {
            String pod = member.toString();
            // A malformed member must never turn into a subject.
            if (SubjectToken.isValid(pod)) {
                pods.add(pod);
            }
        }
        return pods;
    }
}
