package dev.chatstream.system;

import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.ServiceProcess;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A workflow worker running from {@code workflow-service.jar} in its own JVM. */
final class WorkerProcess implements AutoCloseable {
    static final String READY_LINE = "workflow-service ready";

    private final String workerId;
    private final int httpPort;
    private final Map<String, String> env;
    private ServiceProcess process;

    WorkerProcess(String workerId, Map<String, String> baseEnv) {
        this.workerId = workerId;
        this.httpPort = FreePorts.next();
        Map<String, String> env = new HashMap<>(baseEnv);
        env.put("WORKER_ID", workerId);
        env.put("HTTP_PORT", Integer.toString(httpPort));
        this.env = Map.copyOf(env);
    }

    WorkerProcess start() {
        process = ServiceProcess.start(workerId, ServiceProcess.jar("workflow-service"), env);
        process.awaitLog(READY_LINE, Duration.ofSeconds(60));
        return this;
    }

    String id() {
        return workerId;
    }

    int httpPort() {
        return httpPort;
    }

    ServiceProcess process() {
        return process;
    }

    void kill() {
        process.kill();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
