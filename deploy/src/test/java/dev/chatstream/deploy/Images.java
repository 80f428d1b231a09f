package dev.chatstream.deploy;

/** Images every manifest must agree on. */
final class Images {
    /**
     * The NATS server image: a pinned patch release past the security advisories that affect 2.9.10
     * ({@link NatsServerVersionTest}; the list is in docs/security-edges.md).
     */
    static final String NATS = "nats:2.15.3-alpine";
    static final String REDIS = "redis:7.0.15-alpine";

    private Images() {
    }
}
