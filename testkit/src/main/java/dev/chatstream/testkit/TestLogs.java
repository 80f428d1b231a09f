package dev.chatstream.testkit;

import java.nio.file.Path;

/** Where server and service processes started by tests write their output: {@code target/test-processes/}. */
public final class TestLogs {
    private TestLogs() {
    }

    public static Path file(String name) {
        return Path.of("target", "test-processes", name).toAbsolutePath();
    }
}
