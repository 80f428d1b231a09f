package dev.chatstream.worker.fanout;

import java.util.List;

/** Where live batches of one message go right now: pod response subjects, or the session broadcast. */
@FunctionalInterface
public interface Destinations {
    /**
     * The current subjects; never empty. Called per live batch, so it must be cheap (no I/O). A change of subjects
     * comes as another list instance ({@link LivePublisher} re-decides which subjects take pod frames only then).
     */
    List<String> subjects();
}
