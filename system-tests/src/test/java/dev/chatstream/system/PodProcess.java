package dev.chatstream.system;

import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** A backend pod running from {@code backend-pod.jar} in its own JVM; ready when {@code /readyz} answers 200. */
final class PodProcess extends ServiceUnderTest {

    PodProcess(String podId, Map<String, String> baseEnv) {
        super(podId, "backend-pod", "POD_ID", baseEnv);
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
