package dev.chatstream.testkit;

import org.testcontainers.DockerClientFactory;

import java.util.Locale;

/**
 * How test servers run: in containers when a Docker engine answers, else the binaries on PATH.
 * {@code CHATSTREAM_TEST_SERVERS=binary|docker} forces one.
 */
enum ServerMode {
    DOCKER, BINARY;

    private static volatile ServerMode current;

    static ServerMode current() {
        ServerMode mode = current;
        if (mode == null) {
            synchronized (ServerMode.class) {
                if (current == null) {
                    current = detect();
                }
                mode = current;
            }
        }
        return mode;
    }

    private static ServerMode detect() {
        String forced = System.getenv("CHATSTREAM_TEST_SERVERS");
        if (forced != null && !forced.isBlank()) {
            return ServerMode.valueOf(forced.trim().toUpperCase(Locale.ROOT));
        }
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return DOCKER;
            }
        } catch (RuntimeException | LinkageError e) {
            // No engine or no usable client: fall back to binaries.
        }
        return BINARY;
    }
}
