package dev.chatstream.deploy;

import dev.chatstream.testkit.Binaries;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The configuration is proven with the same nats-server version the manifests deploy. */
class NatsServerVersionTest {

    @Test
    @Timeout(30)
    @DisplayName("the NATS image runs the nats-server version the configuration tests run")
    void imageMatchesTheTestedServer() throws Exception {
        Process process = new ProcessBuilder(Binaries.find("nats-server").orElseThrow().toString(), "--version")
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(version).startsWith("nats-server: v");
        String tested = version.substring("nats-server: v".length());
        assertThat(Images.NATS).isEqualTo("nats:" + tested + "-alpine");
    }
}
