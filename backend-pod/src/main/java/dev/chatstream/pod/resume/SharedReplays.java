package dev.chatstream.pod.resume;

import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.routing.Batch;
import dev.chatstream.pod.routing.RoutedConnection;
import dev.chatstream.pod.routing.SessionRouter;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs history replays for connections: a client's resume, a hole or tail repair, a lag retry. Replays of
 * one session (and scope: the whole session, or one message for a repair) are shared: while one runs,
 * every connection asking for the same joins the next one, which starts when it ends — a burst of
 * reconnecting tabs or clients costs two reads of history, not one per connection. A replay stops early
 * once all its connections closed, and a closed connection is never replayed to again. On a NATS
 * reconnect every connection's unfinished answer gets a tail check, since chunks published during the
 * reconnect reach no one live.
 */
public final class SharedReplays implements Replayer {
    private static final Logger LOG = LoggerFactory.getLogger(SharedReplays.class);

    private final Vertx vertx;
    private final SessionRouter router;
    private final HistorySource history;
    private final Duration replayTimeout;
    private final PodMetrics metrics;
    private final String podId;
    /** Per session and scope: the connections waiting for the next replay, and whether one runs. Guarded by this. */
    private final Map<Key, Flight> flights = new HashMap<>();

    public SharedReplays(Vertx vertx, SessionRouter router, HistorySource history, Duration replayTimeout,
                         PodMetrics metrics, String podId) {
        this.vertx = vertx;
        this.router = router;
        this.history = history;
        this.replayTimeout = replayTimeout;
        this.metrics = metrics;
        this.podId = podId;
    }

    private record Key(String sessionId, String messageId) {
    }

    private static final class Flight {
        List<ClientConnection> next = new ArrayList<>();
        boolean running;
    }

    /** Starts the replay of a connection that came with a cursor. */
    public void resume(ClientConnection connection) {
        replayNow(connection);
    }

    @Override
    public void replay(ClientConnection connection, long delayMs) {
        if (delayMs == 0) {
            replayNow(connection);
        } else {
            vertx.setTimer(delayMs, id -> replayNow(connection));
        }
    }

    private void replayNow(ClientConnection connection) {
        if (connection.isClosed()) {
            return;
        }
        Key key = new Key(connection.sessionId(), connection.replayScope());
        boolean start;
        synchronized (this) {
            Flight flight = flights.computeIfAbsent(key, k -> new Flight());
            flight.next.add(connection);
            start = !flight.running;
            flight.running = true;
        }
        if (start) {
            // A short wait lets a burst of reconnecting clients of the session share this first read.
            vertx.setTimer(ReplayPolicy.GATHER_MS, id -> runNext(key));
        }
    }

    /** NATS reconnected: what was published meanwhile reached no one live, so every unfinished answer is checked. */
    public void natsReconnected() {
        for (RoutedConnection routed : router.connections()) {
            if (!(routed instanceof ClientConnection connection)) {
                continue;
            }
            connection.sink().execute(() -> {
                connection.tail.renew();
                watchTail(connection);
            });
        }
    }

    /** On the connection's thread: checks now and then that its unfinished answer keeps arriving live. */
    void watchTail(ClientConnection connection) {
        if (!connection.isClosed() && connection.tail.start()) {
            scheduleTailCheck(connection);
        }
    }

    private void scheduleTailCheck(ClientConnection connection) {
        vertx.setTimer(ReplayPolicy.TAIL_CHECK_MS, id -> connection.sink().execute(() -> {
            if (connection.checkTail() == TailCheck.AGAIN) {
                scheduleTailCheck(connection);
            } else {
                connection.tail.ended();
            }
        }));
    }

    /** Takes the connections waiting for {@code key} and replays to them; ends the flight when none wait. */
    private void runNext(Key key) {
        List<ClientConnection> group;
        synchronized (this) {
            Flight flight = flights.get(key);
            group = flight.next;
            group.removeIf(ClientConnection::isClosed);
            if (group.isEmpty()) {
                flights.remove(key);
                return;
            }
            flight.next = new ArrayList<>();
        }
        if (key.messageId() != null) {
            LOG.atInfo().addKeyValue("pod_id", podId).addKeyValue("session_id", key.sessionId())
                    .addKeyValue("message_id", key.messageId()).addKeyValue("connections", group.size())
                    .log("filling a live stream's hole from history");
        }
        long giveUpAt = System.nanoTime() + replayTimeout.multipliedBy(ReplayPolicy.ATTEMPT_WINDOWS).toNanos();
        attempt(key, group, giveUpAt, ReplayPolicy.FIRST_BACKOFF_MS);
    }

    /**
     * One try at reading history for {@code group}. A failure is retried with backoff while live batches
     * stay held, because ending the replay now would show the clients a hole; only past the give-up time do
     * the streams go on without it. Batches a failed try already handed over come again on the next one
     * and are dropped as duplicates.
     */
    private void attempt(Key key, List<ClientConnection> group, long giveUpAt, long backoffMs) {
        List<ClientConnection> open = group.stream().filter(s -> !s.isClosed()).toList();
        if (open.isEmpty()) {
            runNext(key);
            return;
        }
        metrics.replayStarted();
        int[] batches = new int[1];
        vertx.executeBlocking(() -> {
                    // Handed over in slices: one task per connection and slice, not per batch.
                    List<Batch> slice = new ArrayList<>(ReplayPolicy.SLICE_BATCHES);
                    try {
                        return history.replay(key.sessionId(), key.messageId(), batch -> {
                            batches[0]++;
                            slice.add(batch);
                            if (slice.size() == ReplayPolicy.SLICE_BATCHES) {
                                deliver(open, List.copyOf(slice));
                                slice.clear();
                            }
                        }, () -> allClosed(open), replayTimeout);
                    } finally {
                        deliver(open, List.copyOf(slice));
                    }
                }, false)
                .onComplete(result -> {
                    metrics.replayed(batches[0]);
                    if (result.failed() && !allClosed(open) && System.nanoTime() + backoffMs * 1_000_000 < giveUpAt) {
                        LOG.atInfo().addKeyValue("pod_id", podId).addKeyValue("session_id", key.sessionId())
                                .log("history replay failed, retrying in " + backoffMs + " ms: " + result.cause());
                        vertx.setTimer(backoffMs, id -> attempt(key, open, giveUpAt, ReplayPolicy.nextBackoff(backoffMs)));
                        return;
                    }
                    if (result.failed()) {
                        LOG.atWarn().addKeyValue("pod_id", podId).addKeyValue("session_id", key.sessionId())
                                .log("history replay failed for good, telling the client about a gap: " + result.cause());
                    }
                    boolean complete = result.succeeded();
                    for (ClientConnection connection : open) {
                        // Queued behind every history batch handed over above.
                        connection.sink().execute(() -> {
                            connection.endReplay(complete);
                            watchTail(connection);
                        });
                    }
                    runNext(key);
                });
    }

    private static void deliver(List<ClientConnection> group, List<Batch> slice) {
        if (slice.isEmpty()) {
            return;
        }
        for (ClientConnection connection : group) {
            if (!connection.isClosed()) {
                connection.sink().execute(() -> slice.forEach(connection::deliverHistory));
            }
        }
    }

    private static boolean allClosed(List<ClientConnection> group) {
        for (ClientConnection connection : group) {
            if (!connection.isClosed()) {
                return false;
            }
        }
        return true;
    }
}
