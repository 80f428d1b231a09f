package dev.chatstream.system;

import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.ServiceProcess;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** A backend pod running from {@code backend-pod.jar} in its own JVM. */
final class PodProcess implements AutoCloseable {
    private final String podId;
    private final int port;
    private final Map<String, String> env;
    private ServiceProcess process;

    PodProcess(String podId, Map<String, String> baseEnv) {
        this.podId = podId;
        this.port = FreePorts.next();
        Map<String, String> env = new HashMap<>(baseEnv);
        env.put("POD_ID", podId);
        env.put("HTTP_PORT", Integer.toString(port));
        this.env = Map.copyOf(env);
    }

    PodProcess start() {
        process = ServiceProcess.start(podId, ServiceProcess.jar("backend-pod"), env);
        awaitReady();
        return this;
    }

    void awaitReady() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError(podId + " exited:\n" + process.log());
                    }
                    return Http.get(port, "/readyz").status() == 200;
                });
    }

    String id() {
        return podId;
    }

    int port() {
        return port;
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
