package dev.chatstream.pod.registry;

import dev.chatstream.pod.config.RegistrySettings;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.registry.RegistryKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The session registry in Redis ({@link RegistryKeys}): per session a sorted set of pod ids scored by
 * expiry (epoch ms), the key expiring at the same time. Opening a session registers it at once; every
 * refresh interval all held sessions are re-registered in pipelined batches of {@link #REFRESH_SLICE} sessions,
 * one after the other, which also repairs whatever an outage or a Redis restart lost; the last close removes
 * the entry. A slice, not one batch of every session: a Redis connection holds at most 2,048 commands awaiting
 * their replies ({@code RedisOptions.maxWaitingHandlers}), and one batch of 1,000 sessions (3 commands each)
 * was refused whole with "waiting queue is full" — the pod then reported the registry unreachable and every
 * worker broadcast. The writes of one session
 * go out one after the other (the client pools several connections, on which a later write could overtake
 * an earlier one), and a removal re-checks when its turn comes that the session is still not held: a
 * close-then-reopen leaves the pod registered.
 */
public final class RedisRegistryWriter implements SessionRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRegistryWriter.class);
    /** Sessions per refresh batch: 3 commands each, well inside one connection's 2,048 waiting replies. */
    static final int REFRESH_SLICE = 256;

    private final Vertx vertx;
    private final Redis redis;
    private final RegistrySettings settings;
    private final String podId;
    private final Supplier<Set<String>> heldSessions;
    private final Predicate<String> holds;
    /** Per session, its last write not yet completed; the next one starts after it. */
    private final ConcurrentHashMap<String, Future<Void>> pendingWrites = new ConcurrentHashMap<>();
    private final PodMetrics metrics;
    private volatile boolean reachable = true;
    private volatile boolean stopped;
    /** The refresh in progress (its slices); removeAll waits for it so no re-registration lands after it. */
    private volatile Future<Void> refreshing = Future.succeededFuture();
    private long timer = -1;

    public RedisRegistryWriter(Vertx vertx, Redis redis, RegistrySettings settings, String podId,
                                Supplier<Set<String>> heldSessions, Predicate<String> holds, PodMetrics metrics) {
        this.holds = holds;
        this.vertx = vertx;
        this.redis = redis;
        this.settings = settings;
        this.podId = podId;
        this.heldSessions = heldSessions;
        this.metrics = metrics;
    }

    @Override
    public void start() {
        timer = vertx.setPeriodic(settings.refreshInterval().toMillis(), id -> refresh());
    }

    @Override
    public void sessionOpened(String sessionId) {
        inOrder(sessionId, () -> stopped ? Future.succeededFuture() : run("register", register(List.of(sessionId), expiry())));
    }

    @Override
    public void sessionClosed(String sessionId) {
        inOrder(sessionId, () -> stopped || holds.test(sessionId) ? Future.succeededFuture()
                : run("unregister", List.of(Request.cmd(Command.ZREM).arg(RegistryKeys.sessionPods(sessionId)).arg(podId))));
    }

    /** Whether every session write made so far has completed. */
    boolean settled() {
        return pendingWrites.isEmpty();
    }

    /** Runs {@code write} once the session's previous write completed (never fails: {@link #run} recovers). */
    private void inOrder(String sessionId, Supplier<Future<Void>> write) {
        @SuppressWarnings("unchecked")
        Future<Void>[] mine = new Future[1];
        pendingWrites.compute(sessionId, (sid, previous) ->
                mine[0] = previous == null ? write.get() : previous.transform(ignored -> write.get()));
        mine[0].onComplete(ignored -> pendingWrites.remove(sessionId, mine[0]));
    }

    /** Re-registers every held session in one round trip; a PING when none, to know Redis is reachable. */
    public Future<Void> refresh() {
        if (stopped) {
            return Future.succeededFuture();
        }
        Set<String> sessions = heldSessions.get();
        if (sessions.isEmpty()) {
            return run("refresh", List.of(Request.cmd(Command.PING)));
        }
        long expiresAt = expiry();
        // A slice still waiting when the pod stops is skipped: nothing re-registers after removeAll.
        Future<Void> slices = inSlices(sessions, slice -> stopped ? Future.succeededFuture() : run("refresh", register(slice, expiresAt)));
        refreshing = slices;
        return slices;
    }

    @Override
    public Future<Void> removeAll(Set<String> sessionIds) {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (sessionIds.isEmpty()) {
            return Future.succeededFuture();
        }
        // Registrations already sent (a refresh slice, a session's ZADD) may travel on another pooled connection
        // and land after a ZREM sent now, leaving this pod registered until the entry expires: remove once they
        // completed (none fails: run() recovers).
        List<Future<Void>> inFlight = new ArrayList<>(pendingWrites.values());
        inFlight.add(refreshing);
        return Future.join(inFlight).transform(ignored -> inSlices(sessionIds, slice -> {
            List<Request> requests = new ArrayList<>(slice.size());
            for (String sessionId : slice) {
                requests.add(Request.cmd(Command.ZREM).arg(RegistryKeys.sessionPods(sessionId)).arg(podId));
            }
            return run("remove all", requests);
        }));
    }

    @Override
    public boolean reachable() {
        return reachable;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    /** Runs {@code write} for each slice of {@link #REFRESH_SLICE} sessions, one slice after the other. */
    private static Future<Void> inSlices(Set<String> sessions, Function<List<String>, Future<Void>> write) {
        List<String> all = List.copyOf(sessions);
        Future<Void> written = Future.succeededFuture();
        for (int from = 0; from < all.size(); from += REFRESH_SLICE) {
            List<String> slice = all.subList(from, Math.min(all.size(), from + REFRESH_SLICE));
            written = written.compose(ignored -> write.apply(slice));
        }
        return written;
    }

    private long expiry() {
        return System.currentTimeMillis() + settings.ttl().toMillis();
    }

    /**
     * ZADD this pod with its expiry, set the key's expiry to the same instant, and drop members that
     * expired (pods that died or were replaced), so a long-lived session's set does not grow with pod churn.
     */
    private List<Request> register(Iterable<String> sessions, long expiresAt) {
        long now = System.currentTimeMillis();
        List<Request> requests = new ArrayList<>();
        for (String sessionId : sessions) {
            String key = RegistryKeys.sessionPods(sessionId);
            requests.add(Request.cmd(Command.ZADD).arg(key).arg(expiresAt).arg(podId));
            requests.add(Request.cmd(Command.PEXPIREAT).arg(key).arg(expiresAt));
            requests.add(Request.cmd(Command.ZREMRANGEBYSCORE).arg(key).arg("-inf").arg("(" + now));
        }
        return requests;
    }

    private Future<Void> run(String what, List<Request> requests) {
        return redis.batch(requests)
                .<Void>mapEmpty()
                .onSuccess(ok -> {
                    if (!reachable) {
                        LOG.atInfo().addKeyValue("pod_id", podId).log("Redis registry reachable again");
                    }
                    reachable = true;
                })
                .recover(e -> {
                    metrics.registryError();
                    if (reachable) {
                        LOG.atWarn().addKeyValue("pod_id", podId).addKeyValue("operation", what)
                                .log("Redis registry unreachable; workers fall back to broadcast: " + e.getMessage());
                    }
                    reachable = false;
                    return Future.succeededFuture();
                });
    }
}
