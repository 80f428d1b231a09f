package dev.chatstream.system;

import dev.chatstream.testkit.FreePorts;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A backend pod running from {@code backend-pod.jar} in its own JVM; ready when {@code /readyz} answers 200.
 * Metrics and health are on its own free management port.
 */
final class PodProcess extends ServiceUnderTest {
    private final int managementPort;

    PodProcess(String podId, Map<String, String> baseEnv) {
        this(podId, baseEnv, FreePorts.next());
    }

    private PodProcess(String podId, Map<String, String> baseEnv, int managementPort) {
        super(podId, "backend-pod", "POD_ID", withManagementPort(baseEnv, managementPort));
        this.managementPort = managementPort;
    }

    private static Map<String, String> withManagementPort(Map<String, String> baseEnv, int port) {
        Map<String, String> env = new HashMap<>(baseEnv);
        env.put("MANAGEMENT_PORT", Integer.toString(port));
        return env;
    }

    /** The pod's management port: {@code /metrics} and {@code /api/health}. */
    int managementPort() {
        return managementPort;
    }

    @Override
    void awaitReady() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> {
                    if (!process().isAlive()) {
                        throw new AssertionError(id() + " exited:\n" + process().log());
                    }
                    return Http.get(port(), "/readyz").status() == 200;
                });
    }
}
