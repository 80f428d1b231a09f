package dev.chatstream.browser;

import dev.chatstream.testkit.Binaries;
import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.ManagedProcess;
import dev.chatstream.testkit.TestLogs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * nginx in front of the pods, configured from the same template as {@code bin/cluster}
 * ({@code deploy/nginx/nginx.conf.template}), rendered with this test's ports into a temporary prefix.
 */
final class LoadBalancer implements AutoCloseable {
    private final ManagedProcess process;
    private final Path prefix;
    private final int port;

    private LoadBalancer(ManagedProcess process, Path prefix, int port) {
        this.process = process;
        this.prefix = prefix;
        this.port = port;
    }

    static LoadBalancer start(List<Integer> podPorts) {
        Path nginx = Binaries.find("nginx").orElseThrow(() -> new IllegalStateException(
                "nginx not found: install it with 'sudo apt-get install nginx' or 'brew install nginx'"));
        try {
            Path prefix = Files.createTempDirectory("chat-lb");
            Files.createDirectories(prefix.resolve("logs"));
            Files.createDirectories(prefix.resolve("tmp"));
            int port = FreePorts.next();
            String servers = podPorts.stream()
                    .map(p -> "        server 127.0.0.1:" + p + " max_fails=1 fail_timeout=5s;")
                    .collect(Collectors.joining("\n"));
            String conf = Files.readString(RepoPaths.file("deploy/nginx/nginx.conf.template"))
                    .replace("${PREFIX}", prefix.toString())
                    .replace("${LB_PORT}", Integer.toString(port))
                    .replace("${UPSTREAM_SERVERS}", servers)
                    // As root, nginx workers would otherwise switch to "nobody" and not reach the temp dirs.
                    .replace("${USER_DIRECTIVE}", "root".equals(System.getProperty("user.name")) ? "user root;" : "");
            Path confFile = prefix.resolve("nginx.conf");
            Files.writeString(confFile, conf);
            ManagedProcess process = ManagedProcess.start("nginx", List.of(nginx.toString(),
                    "-p", prefix.toString(), "-c", confFile.toString(),
                    "-e", prefix.resolve("logs/nginx-error.log").toString(), "-g", "daemon off;"),
                    Map.of(), TestLogs.file("nginx-" + port + ".log"));
            process.awaitListening(port, Duration.ofSeconds(15));
            return new LoadBalancer(process, prefix, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chat page's address through the load balancer. */
    String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** nginx's access log: one line per request with the pod that served it. */
    String accessLog() {
        try {
            Path log = prefix.resolve("logs/nginx-access.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read the access log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(5));
    }
}
