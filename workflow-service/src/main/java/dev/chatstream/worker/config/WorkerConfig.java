package dev.chatstream.worker.config;

import dev.chatstream.config.Env;
import dev.chatstream.config.NatsSettings;
import dev.chatstream.streams.StreamSettings;

import java.util.Objects;

/**
 * The whole configuration of a workflow-service instance, read once from the environment, validated
 * (a {@link dev.chatstream.config.ConfigException} names the first wrong variable), then immutable.
 * Each component receives only its section. {@code HTTP_PORT} (default 8081, 0 = off) serves
 * {@code /livez}, {@code /readyz} and {@code /metrics}.
 */
public record WorkerConfig(
        NatsSettings nats,
        StreamSettings streams,
        ConsumerSettings consumer,
        ProviderSettings provider,
        PolicySettings policy,
        FanoutSettings fanout,
        RegistrySettings registry,
        int httpPort) {

    public static final int DEFAULT_HTTP_PORT = 8081;

    public WorkerConfig {
        Objects.requireNonNull(nats);
        Objects.requireNonNull(streams);
        Objects.requireNonNull(consumer);
        Objects.requireNonNull(provider);
        Objects.requireNonNull(policy);
        Objects.requireNonNull(fanout);
        Objects.requireNonNull(registry);
    }

    public static WorkerConfig fromEnv(Env env) {
        ProviderSettings provider = ProviderSettings.fromEnv(env);
        return new WorkerConfig(
                NatsSettings.fromEnv(env),
                StreamSettings.fromEnv(env),
                ConsumerSettings.fromEnv(env),
                provider,
                PolicySettings.fromEnv(env, provider),
                FanoutSettings.fromEnv(env),
                RegistrySettings.fromEnv(env),
                env.port("HTTP_PORT", DEFAULT_HTTP_PORT, true));
    }
}
