package dev.chatstream.worker.registry;

import dev.chatstream.worker.loop.EventLoops;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The registry re-reads of every running answer on one event-loop context, made together: one timer and one
 * registry round trip ({@link SessionRegistry#podsOf(List)}) per {@code REGISTRY_REREAD_INTERVAL}, instead of a
 * timer, a circuit-breaker call and a Redis write per answer (at 200 paced answers those were ~5 % of the worker's
 * CPU, docs/benchmarks.md §9). Each answer is still re-read once per interval while it runs. A failed round trip
 * is a failed re-read for every answer in it. Used on its context only.
 */
final class RouteRereads {
    private final Context context;
    private final SessionRegistry registry;
    private final long intervalMs;
    private final Set<SessionRoute> routes = new LinkedHashSet<>();
    private long timerId = -1;

    RouteRereads(Context context, SessionRegistry registry, long intervalMs) {
        this.context = context;
        this.registry = registry;
        this.intervalMs = intervalMs;
    }

    /** The re-reads {@code owner} makes on {@code context}, made on first use; call on that context. */
    static RouteRereads of(Object owner, Context context, SessionRegistry registry, long intervalMs) {
        return EventLoops.local(context, owner, root -> new RouteRereads(root, registry, intervalMs));
    }

    void join(SessionRoute route) {
        onContext(() -> {
            if (route.closed()) {
                return; // closed before this (hopped) join ran: its leave has already run
            }
            routes.add(route);
            if (timerId < 0) {
                timerId = context.owner().setPeriodic(intervalMs, id -> reread());
            }
        });
    }

    void leave(SessionRoute route) {
        onContext(() -> {
            routes.remove(route);
            if (routes.isEmpty() && timerId >= 0) {
                context.owner().cancelTimer(timerId);
                timerId = -1;
            }
        });
    }

    /** Answers call from their context; an error notice may finish elsewhere, so its call hops over. */
    private void onContext(Runnable action) {
        if (EventLoops.current() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    int size() {
        return routes.size();
    }

    /** Whether the periodic re-read timer is armed (only while some route is joined). */
    boolean ticking() {
        return timerId >= 0;
    }

    private void reread() {
        List<SessionRoute> due = new ArrayList<>(routes.size());
        List<String> sessions = new ArrayList<>(routes.size());
        for (SessionRoute route : routes) {
            if (route.beginLookup()) {
                due.add(route);
                sessions.add(route.sessionId());
            }
        }
        if (due.isEmpty()) {
            return;
        }
        Future<List<List<String>>> found;
        try {
            found = registry.podsOf(sessions);
        } catch (RuntimeException e) {
            found = Future.failedFuture(e);
        }
        found.onComplete(ar -> {
            // A reply that does not match the request counts as a failed re-read, for every route in it: a route
            // left marked as reading would never be re-read again.
            boolean ok = ar.succeeded() && ar.result() != null && ar.result().size() == due.size();
            for (int i = 0; i < due.size(); i++) {
                due.get(i).lookupDone(ok ? ar.result().get(i) : null);
            }
        });
    }
}
