package dev.chatstream.worker.loop;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.function.Function;

/**
 * State kept per answer event loop: an answer's callbacks may run on duplicates of its context, but what its
 * event loop shares (the demo ticker, pod frames, write deadlines, registry re-reads) must be one object per loop,
 * kept on the root context and used from that loop's thread only.
 */
public final class EventLoops {
    private EventLoops() {
    }

    /** The root of {@code context} (itself when it is not a duplicate). */
    public static Context root(Context context) {
        return context instanceof ContextInternal internal ? internal.unwrap() : context;
    }

    /**
     * The root of the current context when this thread is its event loop, else null: {@code currentContext()} is
     * also set inside {@code executeBlocking}, on a worker thread, where a loop's state must not be touched.
     */
    public static Context current() {
        Context current = Vertx.currentContext();
        if (current == null || !current.isEventLoopContext() || !Context.isOnEventLoopThread()) {
            return null;
        }
        return root(current);
    }

    /** What {@code key} names on the root of {@code context}, made by {@code create} (given that root) on first use. */
    public static <T> T local(Context context, Object key, Function<Context, T> create) {
        Context root = root(context);
        T value = root.get(key);
        if (value == null) {
            value = create.apply(root);
            root.put(key, value);
        }
        return value;
    }
}
