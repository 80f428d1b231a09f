package dev.chatstream.deploy;

import dev.chatstream.config.ConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fixture's value checks refuse what the services would refuse, so the manifest tests can rely on them. */
class ServiceEnvTest {

    @Test
    @DisplayName("a value the service would refuse is reported with the variable's name")
    void refusesWhatTheServiceRefuses() {
        assertThatThrownBy(() -> ServiceEnv.variable(ServiceEnv.POD, "DRAIN_TIMEOUT").validate("25 seconds"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("DRAIN_TIMEOUT");
        assertThatThrownBy(() -> ServiceEnv.variable(ServiceEnv.POD, "NATS_URL").validate("http://nats:4222"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("NATS_URL");
        assertThatThrownBy(() -> ServiceEnv.variable(ServiceEnv.WORKER, "AI_PROVIDER").validate("gpt"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("AI_PROVIDER");
        assertThatThrownBy(() -> ServiceEnv.variable(ServiceEnv.POD, "POD_ID").validate("pod.1"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("POD_ID");
    }

    @Test
    @DisplayName("the values the manifests use are accepted")
    void acceptsTheManifestsValues() {
        assertThatCode(() -> {
            ServiceEnv.variable(ServiceEnv.POD, "DRAIN_TIMEOUT").validate("25s");
            ServiceEnv.variable(ServiceEnv.POD, "NATS_URL").validate("nats://nats-0:4222,nats://nats-1:4222");
            ServiceEnv.variable(ServiceEnv.POD, "REDIS_URL").validate("rediss://:secret@redis.example.com:6380");
            ServiceEnv.variable(ServiceEnv.POD, "POD_ID").validate("backend-pod-7d9f8c6b5-x2x9z");
        }).doesNotThrowAnyException();
    }
}
