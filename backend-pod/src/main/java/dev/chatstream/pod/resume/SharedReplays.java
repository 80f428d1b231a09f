package dev.chatstream.pod.resume;

import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.routing.Batch;
import dev.chatstream.pod.routing.RoutedConnection;
import dev.chatstream.pod.routing.SessionRouter;
import dev.chatstream.streams.ScanStart;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
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
 *
 * <p>A replay starts near the message its connections need (the cursor's, or the one repaired), the earliest
 * start that covers them all: where that message's history begins when this pod learned it ({@link MessageStarts},
 * from live batches' {@code Chat-History-Start} and from earlier replays), else {@link ScanStart#CLOCK_MARGIN}
 * before the message was accepted ({@link HistorySource#acceptedAt}), else the session's first batch. Every
 * later message of the session is stored after that start, so a resume still gets them all.
 */
public final class SharedReplays implements Replayer {
    private static final Logger LOG = LoggerFactory.getLogger(SharedReplays.class);

    private final Vertx vertx;
    private final SessionRouter router;
    private final HistorySource history;
    private final Duration replayTimeout;
    private final PodMetrics metrics;
    private final String podId;
    /** Where recent messages' history begins, learned live and from replays. */
    private final MessageStarts starts = new MessageStarts();
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

    /** A connection waiting for a replay, with what it needs: its cursor's message, and whether from the first batch. */
    private record Want(ClientConnection connection, String messageId, boolean fromFirst) {
        boolean isClosed() {
            return connection.isClosed();
        }
    }

    private static final class Flight {
        List<Want> next = new ArrayList<>();
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

    @Override
    public void seenLive(Batch batch) {
        if (batch.historyStart() > 0) {
            starts.learn(batch.sessionId(), batch.messageId(), batch.historyStart());
        }
    }

    /** On the connection's thread: what it needs is read now, while its replay state is its own. */
    private void replayNow(ClientConnection connection) {
        if (connection.isClosed()) {
            return;
        }
        ReplayMerge merge = connection.replayMerge();
        Want want = new Want(connection, merge == null ? null : merge.cursor.messageId(), merge == null || merge.widened);
        Key key = new Key(connection.sessionId(), connection.replayScope());
        boolean start;
        synchronized (this) {
            Flight flight = flights.computeIfAbsent(key, k -> new Flight());
            flight.next.add(want);
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
        List<Want> group;
        synchronized (this) {
            Flight flight = flights.get(key);
            group = flight.next;
            group.removeIf(Want::isClosed);
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
        long giveUpAt = System.nanoTime() + ReplayPolicy.retryFor(replayTimeout).toNanos();
        attempt(key, group, giveUpAt, ReplayPolicy.FIRST_BACKOFF_MS);
    }

    /**
     * One try at reading history for {@code group}. A failure is retried with backoff while live batches
     * stay held, because ending the replay now would show the clients a hole; only past the give-up time
     * ({@link ReplayPolicy#retryFor}) does it end: a resume then says {@code history_gap}, a repair closes its
     * stream so the client resumes ({@link ClientConnection#endReplay}). Batches a failed try already handed over come again on the next one
     * and are dropped as duplicates.
     */
    private void attempt(Key key, List<Want> wants, long giveUpAt, long backoffMs) {
        List<Want> openWants = wants.stream().filter(w -> !w.isClosed()).toList();
        if (openWants.isEmpty()) {
            runNext(key);
            return;
        }
        List<ClientConnection> open = openWants.stream().map(Want::connection).toList();
        metrics.replayStarted();
        int[] batches = new int[1];
        vertx.executeBlocking(() -> {
                    ScanStart from = startFor(key.sessionId(), openWants);
                    metrics.replayStartedFrom(from.isFirst() ? "first" : from.isSequence() ? "sequence" : "time");
                    for (ClientConnection connection : open) {
                        // Queued ahead of every batch of this replay.
                        connection.sink().execute(() -> {
                            ReplayMerge merge = connection.replayMerge();
                            if (merge != null) {
                                merge.startsAt(from);
                            }
                        });
                    }
                    // Handed over in slices: one task per connection and slice, not per batch.
                    List<Batch> slice = new ArrayList<>(ReplayPolicy.SLICE_BATCHES);
                    try {
                        return history.replay(key.sessionId(), key.messageId(), from, batch -> {
                            starts.learn(batch.sessionId(), batch.messageId(), batch.historyStart());
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
                        vertx.setTimer(backoffMs, id -> attempt(key, openWants, giveUpAt, ReplayPolicy.nextBackoff(backoffMs)));
                        return;
                    }
                    if (result.failed()) {
                        LOG.atWarn().addKeyValue("pod_id", podId).addKeyValue("session_id", key.sessionId())
                                .log("history replay failed for good: a resumed stream gets a history_gap notice, a"
                                        + " repaired one is closed so its client resumes: " + result.cause());
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

    /** Blocking: the earliest start that covers every connection's need (see the class comment). */
    private ScanStart startFor(String sessionId, List<Want> wants) {
        ScanStart from = null;
        Map<String, ScanStart> byMessage = new HashMap<>();
        for (Want want : wants) {
            ScanStart needed = want.fromFirst() || want.messageId() == null ? ScanStart.FIRST
                    : byMessage.computeIfAbsent(want.messageId(), messageId -> startOf(sessionId, messageId));
            from = from == null ? needed : from.earliest(needed);
            if (from.isFirst()) {
                break;
            }
        }
        return from == null ? ScanStart.FIRST : from;
    }

    private ScanStart startOf(String sessionId, String messageId) {
        long sequence = starts.of(sessionId, messageId);
        if (sequence > 0) {
            return ScanStart.atSequence(sequence);
        }
        try {
            Instant accepted = history.acceptedAt(messageId);
            return ScanStart.before(accepted, ScanStart.CLOCK_MARGIN);
        } catch (Exception e) {
            // The replay itself will fail or succeed on its own; a lookup that could not say costs a full read.
            return ScanStart.FIRST;
        }
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
