package dev.chatstream.system;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code node/ai-sdk-client.mjs} (the real AI SDK client) and reads the one JSON line it prints. The
 * package is pinned by {@code node/package-lock.json}; {@code .ci/run} installs it, and {@link #install} does
 * when it is missing (npm's cache makes that offline-friendly).
 */
final class NodeClient {
    private static final Path DIR = Path.of("node");
    private static final long RUN_TIMEOUT_SECONDS = 60;

    private NodeClient() {
    }

    static void install() {
        if (Files.isDirectory(DIR.resolve("node_modules/ai")) && Files.isDirectory(DIR.resolve("node_modules/ai6"))) {
            return;
        }
        Process npm = start(List.of("npm", "ci", "--no-audit", "--no-fund"));
        String output = read(npm);
        try {
            if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm ci failed in " + DIR.toAbsolutePath() + ": " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A major version of the AI SDK, as the npm package {@code node/package.json} installs it under. */
    enum AiSdk {
        AI5("ai"), AI6("ai6");

        private final String npmPackage;

        AiSdk(String npmPackage) {
            this.npmPackage = npmPackage;
        }
    }

    /**
     * Runs one mode of the client script with {@code sdk}; fails the test with its output when it does not
     * succeed.
     */
    static JsonObject run(AiSdk sdk, String... args) {
        return run(sdk, () -> { }, args);
    }

    /**
     * Like {@link #run(AiSdk, String...)}; {@code onReady} runs when the script prints {@code {"ready":true}} (it
     * waits mid-answer for the test to act, e.g. kill a pod).
     */
    static JsonObject run(AiSdk sdk, Runnable onReady, String... args) {
        List<String> command = new ArrayList<>(List.of("node", "ai-sdk-client.mjs"));
        command.addAll(List.of(args));
        Process node = start(command, Map.of("AI_SDK_PACKAGE", sdk.npmPackage));
        // A hung client is killed, which ends the read below.
        CompletableFuture.delayedExecutor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS).execute(node::destroyForcibly);
        StringBuilder output = new StringBuilder();
        String last = "";
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.append(line).append('\n');
                if (line.equals("{\"ready\":true}")) {
                    onReady.run();
                } else if (!line.isBlank()) {
                    last = line;
                }
            }
            node.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read node's output", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (node.isAlive() || node.exitValue() != 0 || !last.startsWith("{")) {
            throw new AssertionError("node (" + sdk + ") " + String.join(" ", args) + " failed: " + output);
        }
        return new JsonObject(last);
    }

    /** The answer text a native stream carried: its content chunks in order. */
    static String textOf(List<SseEvent> chunks) {
        StringBuilder text = new StringBuilder();
        for (SseEvent chunk : chunks) {
            if ("content".equals(chunk.chunkType())) {
                text.append(chunk.json().getString("chunk"));
            }
        }
        return text.toString();
    }

    private static Process start(List<String> command) {
        return start(command, Map.of());
    }

    private static Process start(List<String> command, Map<String, String> env) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            return builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        }
    }

    private static String read(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }
}
