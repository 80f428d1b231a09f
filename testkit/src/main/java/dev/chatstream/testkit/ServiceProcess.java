package dev.chatstream.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One of our services ({@code backend-pod.jar}, {@code workflow-service.jar}) running as its own
 * JVM process, configured by environment variables only, as in production.
 */
public final class ServiceProcess implements AutoCloseable {
    private final ManagedProcess process;

    private ServiceProcess(ManagedProcess process) {
        this.process = process;
    }

    /**
     * Starts {@code java -jar jar} with {@code env} added to this process's environment.
     * The jar must have been built ({@code mvn package}); a missing jar fails with that advice.
     */
    public static ServiceProcess start(String name, Path jar, Map<String, String> env) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first with mvn package");
        }
        List<String> command = new ArrayList<>(List.of(Binaries.currentJava().toString(),
                "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-jar", jar.toString()));
        ManagedProcess process = ManagedProcess.start(name, command, env,
                TestLogs.file(name + "-" + System.nanoTime() + ".log"));
        return new ServiceProcess(process);
    }

    /** Locates a module's jar from a test running in a sibling module: {@code ../<module>/target/<module>.jar}. */
    public static Path jar(String module) {
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(module).resolve("target").resolve(module + ".jar");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return here.getParent().resolve(module).resolve("target").resolve(module + ".jar");
    }

    /** Waits until the log contains {@code text} (e.g. the service's ready line). */
    public ServiceProcess awaitLog(String text, Duration timeout) {
        process.await("logging '" + text + "'", timeout, () -> process.log().contains(text));
        return this;
    }

    /** Waits until something listens on {@code port}. */
    public ServiceProcess awaitListening(int port, Duration timeout) {
        process.awaitListening(port, timeout);
        return this;
    }

    public void kill() {
        process.kill();
    }

    /** SIGTERM and wait; returns the exit status. */
    public int stop(Duration timeout) {
        return process.stop(timeout);
    }

    public void signal(String signal) {
        process.signal(signal);
    }

    public int awaitExit(Duration timeout) {
        return process.awaitExit(timeout);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        return process.log();
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(15));
    }
}
