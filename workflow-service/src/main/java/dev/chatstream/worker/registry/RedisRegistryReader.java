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
        Request request = lookup(sessionId, clock.millis());
        return breaker.<Response>execute(() -> redis.send(request)).map(RedisRegistryReader::podIds);
    }

    /** One pipelined round trip (Redis {@code batch}) under one breaker call and one timeout. */
    @Override
    public Future<List<List<String>>> podsOf(List<String> sessionIds) {
        if (sessionIds.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        long now = clock.millis();
        List<Request> requests = new ArrayList<>(sessionIds.size());
        for (String sessionId : sessionIds) {
            requests.add(lookup(sessionId, now));
        }
        return breaker.<List<Response>>execute(() -> redis.batch(requests)).map(responses -> {
            List<List<String>> pods = new ArrayList<>(responses.size());
            for (Response response : responses) {
                pods.add(podIds(response));
            }
            return pods;
        });
    }

    private static Request lookup(String sessionId, long nowMillis) {
        return Request.cmd(Command.ZRANGEBYSCORE).arg(RegistryKeys.sessionPods(sessionId)).arg(nowMillis).arg("+inf");
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
