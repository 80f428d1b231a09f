package dev.chatstream.loadtest.sse;

import java.net.URI;

/** Port and TLS of a target URL ({@code http://} or {@code https://}). */
public final class Targets {
    private Targets() {
    }

    public static boolean tls(URI target) {
        return "https".equals(target.getScheme());
    }

    public static int port(URI target) {
        return target.getPort() >= 0 ? target.getPort() : tls(target) ? 443 : 80;
    }
}
