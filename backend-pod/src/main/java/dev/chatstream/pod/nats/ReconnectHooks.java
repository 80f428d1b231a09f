package dev.chatstream.pod.nats;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What runs after the pod's NATS connection reconnected; added to after the connection exists. */
final class ReconnectHooks {
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectHooks.class);
    private final List<Runnable> hooks = new CopyOnWriteArrayList<>();

    void add(Runnable hook) {
        hooks.add(hook);
    }

    void run() {
        for (Runnable hook : hooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                LOG.atWarn().setCause(e).log("reconnect hook failed");
            }
        }
    }
}
