package dev.chatstream.pod.resume;

import dev.chatstream.pod.routing.ClientSink;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A sink that runs tasks at once on the calling thread and records what was written. */
final class FakeSink implements ClientSink {
    private static final Pattern ID = Pattern.compile("^id: (.*)$", Pattern.MULTILINE);

    final StringBuilder written = new StringBuilder();
    boolean full;
    boolean closed;
    boolean aborted;
    Runnable drain;
    /** What {@link #thread()} answers: sinks given the same one count as served by one thread. */
    Object thread = this;
    int tasks;
    int writes;

    /** When set, tasks wait here (a busy event loop) until {@link #runDeferred}; else they run at once. */
    List<Runnable> deferred;

    @Override
    public void execute(Runnable task) {
        tasks++;
        if (deferred != null) {
            deferred.add(task);
        } else {
            task.run();
        }
    }

    /** The busy loop gets to its queued tasks. */
    void runDeferred() {
        List<Runnable> queued = List.copyOf(deferred);
        deferred.clear();
        queued.forEach(Runnable::run);
    }

    @Override
    public Object thread() {
        return thread;
    }

    @Override
    public void write(Buffer bytes) {
        writes++;
        written.append(bytes.toString());
    }

    @Override
    public boolean writeQueueFull() {
        return full;
    }

    @Override
    public void onDrain(Runnable task) {
        drain = task;
    }

    @Override
    public void close(Buffer lastBytes) {
        written.append(lastBytes.toString());
        closed = true;
    }

    @Override
    public void abort() {
        aborted = true;
    }

    /** The ids of every event written, in order. */
    List<String> ids() {
        List<String> ids = new ArrayList<>();
        Matcher matcher = ID.matcher(written);
        while (matcher.find()) {
            ids.add(matcher.group(1));
        }
        return ids;
    }

    void release() {
        full = false;
        Runnable task = drain;
        drain = null;
        if (task != null) {
            task.run();
        }
    }
}
