package dev.chatstream.deploy;

/** Images every manifest must agree on. */
final class Images {
    /**
     * The NATS server image: the same version as the nats-server that {@link NatsClusterConfigTest}
     * runs the configuration with ({@link NatsServerVersionTest} checks the local binary).
     */
    static final String NATS = "nats:2.9.10-alpine";
    static final String REDIS = "redis:7.0.15-alpine";

    private Images() {
    }
}
