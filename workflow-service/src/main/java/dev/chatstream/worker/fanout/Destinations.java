package dev.chatstream.worker.fanout;

import java.util.List;

/** Where live batches of one message go right now: pod response subjects, or the session broadcast. */
@FunctionalInterface
public interface Destinations {
    /** The current subjects; never empty. Called per live batch, so it must be cheap (no I/O). */
    List<String> subjects();
}
