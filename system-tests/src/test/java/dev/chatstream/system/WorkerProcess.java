package dev.chatstream.system;

import java.time.Duration;
import java.util.Map;

/** A workflow worker running from {@code workflow-service.jar} in its own JVM; ready when it logs its ready line. */
final class WorkerProcess extends ServiceUnderTest {
    static final String READY_LINE = "workflow-service ready";

    WorkerProcess(String workerId, Map<String, String> baseEnv) {
        super(workerId, "workflow-service", "WORKER_ID", baseEnv);
    }

    @Override
    void awaitReady() {
        process().awaitLog(READY_LINE, Duration.ofSeconds(60));
    }
}
