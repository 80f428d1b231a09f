package dev.chatstream.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chatstream.testkit.Binaries;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose nginx service's start-up script, run here with the container paths pointed at
 * {@code deploy/nginx} and a temp directory, produces a configuration {@code nginx -t} accepts.
 * {@code deploy/nginx} belongs to the local-cluster tooling; without it in this checkout the test is
 * skipped with that reason.
 */
class ComposeNginxTest {

    @Test
    @Timeout(60)
    @DisplayName("compose renders deploy/nginx into a configuration nginx accepts")
    void composeRendersAValidNginxConfiguration(@TempDir Path prefix) throws Exception {
        Path nginxDir = DeployFiles.resolve("nginx");
        Assumptions.assumeTrue(Files.exists(nginxDir.resolve("nginx.conf")) || Files.exists(nginxDir.resolve("nginx.conf.template")),
                "deploy/nginx has no nginx.conf or nginx.conf.template in this checkout");
        Path nginx = Binaries.find("nginx").orElse(null);
        Assumptions.assumeTrue(nginx != null && Binaries.find("envsubst").isPresent(), "nginx or envsubst is not installed");

        Map<String, Object> service = service("nginx");
        @SuppressWarnings("unchecked")
        List<String> command = (List<String>) service.get("command");
        @SuppressWarnings("unchecked")
        Map<String, String> environment = (Map<String, String>) service.get("environment");
        // Compose turns $$ into $; the container paths become local ones; start nginx only to test.
        String script = command.get(2).replace("$$", "$")
                .replace("/etc/nginx/chat", nginxDir.toString())
                .replace("/tmp/nginx", prefix.toString())
                .replace("exec nginx ", "exec " + nginx + " -t ")
                .replace(" -g 'daemon off;'", "");
        ProcessBuilder builder = new ProcessBuilder(command.get(0), command.get(1), script).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("PREFIX", prefix.toString());
        // The containers' names do not resolve here: the same upstream lines on loopback.
        builder.environment().put("UPSTREAM_SERVERS", environment.get("UPSTREAM_SERVERS")
                .replaceAll("backend-pod-\\d+", "127.0.0.1"));
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("test is successful");
        String rendered = Files.readString(prefix.resolve("nginx.conf"));
        assertThat(rendered).contains("listen " + environment.get("LB_PORT")).doesNotContain("${");
    }

    private static Map<String, Object> service(String name) throws Exception {
        Map<String, Object> compose = new ObjectMapper(new YAMLFactory()).readValue(
                DeployFiles.resolve("compose/compose.yaml").toFile(), new TypeReference<>() { });
        @SuppressWarnings("unchecked")
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        @SuppressWarnings("unchecked")
        Map<String, Object> service = (Map<String, Object>) services.get(name);
        return service;
    }
}
