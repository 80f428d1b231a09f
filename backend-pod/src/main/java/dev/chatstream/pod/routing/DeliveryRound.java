package dev.chatstream.pod.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routing of one NATS message that holds many batches (a pod frame): instead of one task per connection
 * per batch, each connection's batches are handed over together and every connection served by one thread
 * gets them in one task on that thread (or in the task an earlier round already queued there, {@link LoopInbox}). Used by one thread, once: {@link #route} each batch, then
 * {@link #dispatch()}.
 */
public final class DeliveryRound {
    /** The connections one thread serves in this round, each with its batches in arrival order. */
    private record Group(ClientSink executor, Map<RoutedConnection, ArrayDeque<Batch>> batches) {
    }

    private final SessionRouter router;
    /** By {@link ClientSink#thread()}; a handful of event loops, so a list searched in order. */
    private final List<Object> threads = new ArrayList<>(4);
    private final List<Group> groups = new ArrayList<>(4);

    DeliveryRound(SessionRouter router) {
        this.router = router;
    }

    /** As {@link SessionRouter#route}, but the batch is handed over at {@link #dispatch()}. */
    public int route(String sessionId, SessionRouter.ChunkBatchSource source) {
        return router.route(sessionId, source,
                (target, batch) -> group(target.sink()).batches().computeIfAbsent(target, t -> new ArrayDeque<>(2)).add(batch));
    }

    /**
     * One task per thread, handing each of its connections the batches routed to it; a thread that has not yet
     * run the task of an earlier round gets these in that task ({@link LoopInbox}).
     */
    public void dispatch() {
        for (int i = 0; i < groups.size(); i++) {
            router.loopInbox(threads.get(i)).add(groups.get(i).executor(), groups.get(i).batches());
        }
        groups.clear();
        threads.clear();
    }

    private Group group(ClientSink sink) {
        Object thread = sink.thread();
        for (int i = 0; i < threads.size(); i++) {
            if (threads.get(i) == thread) {
                return groups.get(i);
            }
        }
        Group group = new Group(sink, new LinkedHashMap<>());
        threads.add(thread);
        groups.add(group);
        return group;
    }
}
