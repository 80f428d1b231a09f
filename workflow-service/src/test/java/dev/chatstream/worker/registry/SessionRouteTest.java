package dev.chatstream.worker.registry;

import dev.chatstream.subjects.Subjects;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Routing decisions with a hand-written registry fake (the Redis side is covered by the app tests). */
@Timeout(30)
class SessionRouteTest {
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    /** A registry whose answer the test sets. */
    private static final class StubRegistry implements SessionRegistry {
        final AtomicReference<Future<List<String>>> answer = new AtomicReference<>(Future.succeededFuture(List.of()));
        final AtomicInteger lookups = new AtomicInteger();
        /** How many sessions each re-read round trip asked about. */
        final List<Integer> rounds = new CopyOnWriteArrayList<>();
        /** Whether the registry is deemed up (its breaker closed). */
        final AtomicBoolean up = new AtomicBoolean(true);

        @Override
        public Future<List<String>> podsOf(String sessionId) {
            lookups.incrementAndGet();
            return answer.get();
        }

        @Override
        public Future<List<List<String>>> podsOf(List<String> sessionIds) {
            rounds.add(sessionIds.size());
            return SessionRegistry.super.podsOf(sessionIds);
        }

        @Override
        public boolean available() {
            return up.get();
        }
    }

    private static SessionRoute started(SessionRegistry registry, HeartbeatTracker heartbeats) throws Exception {
        SessionRoutes routes = new SessionRoutes(registry, heartbeats, Duration.ofMillis(50));
        CompletableFuture<SessionRoute> route = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            SessionRoute r = routes.open(vertx.getOrCreateContext(), "s1");
            r.start().onComplete(ar -> route.complete(r));
        });
        return route.get(5, TimeUnit.SECONDS);
    }

    private static HeartbeatTracker noHeartbeats() {
        return new HeartbeatTracker(Duration.ofSeconds(6), System::nanoTime);
    }

    @Test
    @DisplayName("routes to each pod the registry names")
    void podsNamed() throws Exception {
        StubRegistry registry = new StubRegistry();
        registry.answer.set(Future.succeededFuture(List.of("pod-a", "pod-b")));
        SessionRoute route = started(registry, noHeartbeats());
        assertThat(route.subjects()).containsExactly(Subjects.podResponse("pod-a"), Subjects.podResponse("pod-b"));
        route.close();
    }

    @Test
    @DisplayName("broadcasts when the registry names no pod or fails")
    void fallsBack() throws Exception {
        StubRegistry registry = new StubRegistry();
        SessionRoute empty = started(registry, noHeartbeats());
        assertThat(empty.subjects()).containsExactly(Subjects.sessionBroadcast("s1"));
        empty.close();
        registry.answer.set(Future.failedFuture("redis down"));
        SessionRoute failed = started(registry, noHeartbeats());
        assertThat(failed.broadcasting()).isTrue();
        failed.close();
    }

    @Test
    @DisplayName("broadcasts when every named pod has stopped beating")
    void allStale() throws Exception {
        AtomicReference<Long> now = new AtomicReference<>(0L);
        HeartbeatTracker heartbeats = new HeartbeatTracker(Duration.ofSeconds(1), now::get);
        heartbeats.heard("pod-a");
        now.set(Duration.ofSeconds(2).toNanos());
        StubRegistry registry = new StubRegistry();
        registry.answer.set(Future.succeededFuture(List.of("pod-a")));
        SessionRoute route = started(registry, heartbeats);
        assertThat(route.broadcasting()).isTrue();
        route.close();
    }

    @Test
    @DisplayName("adds the session broadcast while a live pod reports that its registry writes fail")
    void broadcastsTooWhileAPodCannotWriteTheRegistry() throws Exception {
        AtomicReference<Long> now = new AtomicReference<>(0L);
        HeartbeatTracker heartbeats = new HeartbeatTracker(Duration.ofSeconds(5), now::get);
        heartbeats.heard("pod-a");
        heartbeats.heard("pod-b", false);
        StubRegistry registry = new StubRegistry();
        registry.answer.set(Future.succeededFuture(List.of("pod-a")));
        SessionRoute route = started(registry, heartbeats);
        assertThat(route.subjects()).containsExactly(Subjects.podResponse("pod-a"), Subjects.sessionBroadcast("s1"));
        route.close();

        heartbeats.heard("pod-b", true);
        SessionRoute healed = started(registry, heartbeats);
        assertThat(healed.subjects()).containsExactly(Subjects.podResponse("pod-a"));
        healed.close();
    }

    @Test
    @DisplayName("re-reads the registry while the answer runs and stops when closed")
    void rereads() throws Exception {
        StubRegistry registry = new StubRegistry();
        SessionRoute route = started(registry, noHeartbeats());
        registry.answer.set(Future.succeededFuture(List.of("pod-late")));
        await().atMost(Duration.ofSeconds(5)).until(() -> route.subjects().equals(List.of(Subjects.podResponse("pod-late"))));
        vertx.runOnContext(v -> route.close());
        int lookups = registry.lookups.get();
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> registry.lookups.get() <= lookups + 1);
    }

    @Test
    @DisplayName("the re-reads of every answer on one event loop go to the registry together, once per interval")
    void rereadsOfOneEventLoopGoTogether() throws Exception {
        StubRegistry registry = new StubRegistry();
        SessionRoutes routes = new SessionRoutes(registry, noHeartbeats(), Duration.ofMillis(50));
        Context context = vertx.getOrCreateContext();
        CompletableFuture<List<SessionRoute>> started = new CompletableFuture<>();
        context.runOnContext(v -> {
            List<SessionRoute> opened = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                SessionRoute route = routes.open(context, "s" + i);
                route.start();
                opened.add(route);
            }
            started.complete(opened);
        });
        List<SessionRoute> opened = started.get(5, TimeUnit.SECONDS);
        registry.answer.set(Future.succeededFuture(List.of("pod-late")));
        await().atMost(Duration.ofSeconds(5)).until(() -> opened.stream()
                .allMatch(r -> r.subjects().equals(List.of(Subjects.podResponse("pod-late")))));
        CompletableFuture<String> afterClose = new CompletableFuture<>();
        context.runOnContext(v -> {
            opened.forEach(SessionRoute::close);
            RouteRereads rereads = context.get(routes);
            afterClose.complete(rereads.size() + " routes, ticking " + rereads.ticking());
        });

        assertThat(registry.rounds).isNotEmpty().allMatch(size -> size == 10);
        // Once the last answer of the loop closed, no route is left and the timer is gone.
        assertThat(afterClose.get(5, TimeUnit.SECONDS)).isEqualTo("0 routes, ticking false");
    }

    @Test
    @DisplayName("a re-read that fails while the registry is up keeps the pods found: a slow lookup under load does not turn a running answer into a broadcast")
    void failedRereadKeepsThePods() throws Exception {
        StubRegistry registry = new StubRegistry();
        registry.answer.set(Future.succeededFuture(List.of("pod-a")));
        SessionRoute route = started(registry, noHeartbeats());
        registry.answer.set(Future.failedFuture("lookup timed out"));
        int lookups = registry.lookups.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.lookups.get() >= lookups + 3);
        assertThat(route.subjects()).containsExactly(Subjects.podResponse("pod-a"));

        // The registry deemed down (breaker open): the session may be on any pod.
        registry.up.set(false);
        await().atMost(Duration.ofSeconds(5)).until(route::broadcasting);
        vertx.runOnContext(v -> route.close());
    }
}
