package dev.chatstream.worker.registry;

import dev.chatstream.subjects.Subjects;
import dev.chatstream.worker.fanout.Destinations;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * The live destinations of one answer: {@code chat.pod.{podId}.response} for each live pod the
 * registry names, else {@code chat.session.{sid}.broadcast}; both while some live pod reports that its
 * registry writes fail. A re-read that fails keeps the destinations it had unless the registry is down. Looked up
 * when the answer starts and again every {@code REGISTRY_REREAD_INTERVAL} while it runs (never per chunk), so a tab
 * opened on another pod mid-answer gets the rest; the re-reads of every answer on one event loop go together, in one
 * registry round trip ({@link RouteRereads}). Runs on the answer's context.
 */
public final class SessionRoute implements Destinations {
    private final SessionRegistry registry;
    private final HeartbeatTracker heartbeats;
    private final String sessionId;
    private final List<String> broadcast;
    private final RouteRereads rereads;
    private volatile List<String> subjects;
    private boolean lookingUp;
    private boolean closed;

    SessionRoute(SessionRegistry registry, HeartbeatTracker heartbeats, String sessionId, RouteRereads rereads) {
        this.registry = registry;
        this.heartbeats = heartbeats;
        this.sessionId = sessionId;
        this.broadcast = List.of(Subjects.sessionBroadcast(sessionId));
        this.rereads = rereads;
        this.subjects = broadcast;
    }

    /** Does the first lookup (never fails: a failed lookup means broadcast) and starts re-reading. */
    public Future<Void> start() {
        return lookup().onComplete(ar -> {
            if (!closed) {
                rereads.join(this);
            }
        });
    }

    @Override
    public List<String> subjects() {
        return subjects;
    }

    /** Whether the current destinations are the session broadcast. */
    public boolean broadcasting() {
        return subjects == broadcast;
    }

    public void close() {
        if (!closed) {
            closed = true;
            rereads.leave(this);
        }
    }

    String sessionId() {
        return sessionId;
    }

    boolean closed() {
        return closed;
    }

    /** Marks a lookup as started, unless one is under way or the route is closed. */
    boolean beginLookup() {
        if (lookingUp || closed) {
            return false;
        }
        lookingUp = true;
        return true;
    }

    /** A lookup found {@code pods} ({@code null}: it failed). */
    void lookupDone(List<String> pods) {
        lookingUp = false;
        subjects = pods == null ? afterFailedLookup() : toSubjects(pods);
    }

    private Future<Void> lookup() {
        if (!beginLookup()) {
            return Future.succeededFuture();
        }
        return registry.podsOf(sessionId).transform(ar -> {
            lookupDone(ar.succeeded() ? ar.result() : null);
            return Future.succeededFuture();
        });
    }

    /**
     * A failed re-read keeps what the last lookup found while the registry is up: one lookup slower than
     * {@code REGISTRY_LOOKUP_TIMEOUT} (an event loop behind under load) says nothing about where the session is, and
     * switching a running answer to the broadcast sends its chunks to every pod, unframed, just when the cluster is
     * short of CPU. With nothing found yet, or the registry deemed down (its breaker open), every pod may hold the
     * session: broadcast.
     */
    private List<String> afterFailedLookup() {
        return registry.available() ? subjects : broadcast;
    }

    private List<String> toSubjects(List<String> pods) {
        List<String> live = new ArrayList<>(pods.size() + 1);
        for (String pod : pods) {
            if (!heartbeats.isStale(pod)) {
                live.add(Subjects.podResponse(pod));
            }
        }
        if (live.isEmpty()) {
            return broadcast;
        }
        if (heartbeats.anyRegistryDegraded()) {
            // A pod that cannot write the registry may hold this session unnamed: reach it by broadcast too
            // (pods de-duplicate what arrives by both paths).
            live.add(broadcast.getFirst());
        }
        return List.copyOf(live);
    }
}
