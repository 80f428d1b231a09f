package dev.chatstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An operating-system process started by a test: output goes to a log file, it can be stopped
 * gracefully (SIGTERM), killed (SIGKILL) and started again with the same command.
 * Every process is also killed when the test JVM exits, so nothing outlives the run.
 */
public final class ManagedProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path logFile;
    private volatile Process process;

    ManagedProcess(String name, List<String> command, Map<String, String> environment, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.logFile = logFile;
    }

    /** Starts {@code command} with extra {@code environment}; output is appended to {@code logFile}. */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> environment, Path logFile) {
        ManagedProcess managed = new ManagedProcess(name, command, environment, logFile);
        managed.start();
        return managed;
    }

    /** Starts (again) with the same command. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            Process started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** SIGTERM, then wait up to {@code timeout} for exit (SIGKILL after that). Returns the exit status. */
    public synchronized int stop(Duration timeout) {
        Process p = process;
        if (p == null) {
            return -1;
        }
        p.destroy();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return -1;
        }
    }

    /** SIGKILL: the process gets no chance to clean up. */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGSTOP / SIGCONT: freeze the process without closing its sockets (a hung peer). */
    public void signal(String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Exit status once the process has ended within {@code timeout}, else -1. */
    public int awaitExit(Duration timeout) {
        try {
            Process p = process;
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public Path logFile() {
        return logFile;
    }

    /** The log so far (for assertions and failure messages). */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /** Polls {@code condition} until true or {@code timeout}; fails with the tail of the log. */
    public void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited (status " + process.exitValue() + ") before " + what
                        + "; log " + logFile + ":\n" + tail());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name + " " + what);
            }
        }
        throw new IllegalStateException(name + " not " + what + " within " + timeout + "; log " + logFile + ":\n" + tail());
    }

    /** Waits until the process accepts TCP connections on {@code port}. */
    public void awaitListening(int port, Duration timeout) {
        await("listening on " + port, timeout, () -> FreePorts.isListening(port));
    }

    /** The last lines of the log. */
    public String tail() {
        String log = log();
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }
}
