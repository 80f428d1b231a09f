package dev.chatstream.worker.support;

import dev.chatstream.config.Env;
import dev.chatstream.worker.app.WorkflowApp;
import dev.chatstream.worker.config.WorkerConfig;

import java.util.HashMap;
import java.util.Map;

/** Starts in-process workers through the composition root with a test configuration. */
public final class TestWorkers {
    private TestWorkers() {
    }

    /** Fast defaults for tests: memory streams, short waits, 2 ms demo tokens, no HTTP port. */
    public static Map<String, String> env(String natsUrl, String redisUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("NATS_URL", natsUrl);
        if (redisUrl != null) {
            env.put("REDIS_URL", redisUrl);
        } else {
            env.put("REDIS_ENABLED", "false");
        }
        env.put("WORKER_ID", Requests.id("w"));
        env.put("STREAM_STORAGE", "memory");
        env.put("DEMO_TOKEN_DELAY_MS", "2");
        env.put("HTTP_PORT", "0");
        env.put("WORKER_ACK_WAIT", "2s");
        env.put("WORKER_MAX_DELIVER", "3");
        env.put("RETRY_NAK_DELAY", "200ms");
        env.put("FETCH_MAX_WAIT", "200ms");
        env.put("REGISTRY_REREAD_INTERVAL", "100ms");
        // generous for a busy 2-core CI box; Redis being down still fails fast (connection refused)
        env.put("REGISTRY_LOOKUP_TIMEOUT", "1s");
        env.put("SHUTDOWN_TIMEOUT", "5s");
        return env;
    }

    public static WorkflowApp start(Map<String, String> env) {
        try {
            return WorkflowApp.start(WorkerConfig.fromEnv(new Env(env)));
        } catch (Exception e) {
            throw new IllegalStateException("worker did not start", e);
        }
    }
}
