package dev.chatstream.pod.routing;

import dev.chatstream.pod.metrics.PodMetrics;
import io.vertx.core.buffer.Buffer;

import java.util.function.BiConsumer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Session id → the local connections of that session. Chunk batches come in on a NATS thread, are read
 * once and handed to each connection. Knows nothing of HTTP, SSE or NATS: connections are {@link RoutedConnection}s.
 * Tells a {@link Listener} when a session gets its first local connection and loses its last, which is
 * what the session registry records.
 */
public final class SessionRouter {

    /** Learns which sessions this pod holds. Called on the thread that attached or detached. */
    public interface Listener {
        void sessionOpened(String sessionId);

        void sessionClosed(String sessionId);

        /** A listener that does nothing. */
        static Listener none() {
            return new Listener() {
                @Override
                public void sessionOpened(String sessionId) {
                }

                @Override
                public void sessionClosed(String sessionId) {
                }
            };
        }
    }

    private static final RoutedConnection[] NONE = new RoutedConnection[0];

    private final ConcurrentHashMap<String, RoutedConnection[]> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    /** Per event loop: delivery rounds merged while the loop has not run the previous one. */
    private final ConcurrentHashMap<Object, LoopInbox> loopInboxes = new ConcurrentHashMap<>();
    private final PodMetrics metrics;
    private volatile Listener listener = Listener.none();
    public SessionRouter(PodMetrics metrics) {
        this.metrics = metrics;
    }

    public void listener(Listener newListener) {
        this.listener = newListener;
    }

    /** Adds a connection to its session (any thread). */
    public void attach(RoutedConnection connection) {
        String sessionId = connection.sessionId();
        boolean[] first = new boolean[1];
        sessions.compute(sessionId, (sid, current) -> {
            if (current == null) {
                first[0] = true;
                return new RoutedConnection[]{connection};
            }
            RoutedConnection[] more = Arrays.copyOf(current, current.length + 1);
            more[current.length] = connection;
            return more;
        });
        connections.incrementAndGet();
        if (first[0]) {
            listener.sessionOpened(sessionId);
        }
    }

    /** Forgets a connection (closed by either side). Idempotent. */
    public void detach(RoutedConnection connection) {
        boolean[] removed = new boolean[2];
        sessions.computeIfPresent(connection.sessionId(), (sid, current) -> {
            int index = -1;
            for (int i = 0; i < current.length; i++) {
                if (current[i] == connection) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                return current;
            }
            removed[0] = true;
            if (current.length == 1) {
                removed[1] = true;
                return null;
            }
            RoutedConnection[] fewer = new RoutedConnection[current.length - 1];
            System.arraycopy(current, 0, fewer, 0, index);
            System.arraycopy(current, index + 1, fewer, index, current.length - index - 1);
            return fewer;
        });
        if (removed[0]) {
            connections.decrementAndGet();
        }
        if (removed[1]) {
            listener.sessionClosed(connection.sessionId());
        }
    }

    /** Whether any local connection is open for {@code sessionId}. */
    public boolean holds(String sessionId) {
        return sessions.containsKey(sessionId);
    }

    /**
     * Routes a batch (any thread): read once, handed to each connection of its session.
     * Returns the number of connections it went to; 0 means the session is not held here.
     */
    public int route(String sessionId, ChunkBatchSource source) {
        return route(sessionId, source, RoutedConnection::offer);
    }

    /** The same, with {@code handOver} giving each connection the batch (at once, or gathered for later). */
    int route(String sessionId, ChunkBatchSource source, BiConsumer<RoutedConnection, Batch> handOver) {
        RoutedConnection[] targets = targets(sessionId);
        if (targets.length == 0) {
            return 0;
        }
        Batch batch = source.batch();
        if (batch.count() == 0) {
            metrics.dropped(PodMetrics.DROP_MALFORMED, 1);
            return 0;
        }
        for (RoutedConnection target : targets) {
            handOver.accept(target, batch);
        }
        return targets.length;
    }

    /** A round for the batches of one NATS message, handed over one task per thread ({@link DeliveryRound}). */
    public DeliveryRound round() {
        return new DeliveryRound(this);
    }

    /** The rounds waiting for event loop {@code thread} ({@link ClientSink#thread()}); a handful of loops. */
    LoopInbox loopInbox(Object thread) {
        return loopInboxes.computeIfAbsent(thread, t -> new LoopInbox());
    }

    private RoutedConnection[] targets(String sessionId) {
        return sessions.getOrDefault(sessionId, NONE);
    }

    /** Supplies the batch only when some connection wants it (no parsing for sessions held elsewhere). */
    @FunctionalInterface
    public interface ChunkBatchSource {
        Batch batch();
    }

    /** Session ids held here now. */
    public Set<String> sessionIds() {
        return Set.copyOf(sessions.keySet());
    }

    public int connectionCount() {
        return connections.get();
    }

    /** Every connection, for keep-alives, reconnect checks and shutdown. */
    public List<RoutedConnection> connections() {
        List<RoutedConnection> all = new ArrayList<>(connections.get());
        for (RoutedConnection[] group : sessions.values()) {
            all.addAll(Arrays.asList(group));
        }
        return all;
    }

    /** Closes every connection after {@code lastBytes} (a retry hint), each on its own thread. */
    public void closeAll(Buffer lastBytes) {
        for (RoutedConnection connection : connections()) {
            connection.sink().execute(() -> connection.close(lastBytes));
        }
    }
}
