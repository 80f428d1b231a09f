package dev.chatstream.wire;

import io.nats.client.impl.Headers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BusyPolicyTest {

    @Test
    @DisplayName("a policy written on a request's headers reads back the same")
    void roundTrip() {
        for (BusyPolicy policy : BusyPolicy.values()) {
            assertThat(BusyPolicy.of(policy.putOn(new Headers()))).isEqualTo(policy);
        }
    }

    @Test
    @DisplayName("a request without the header, or with a value this version does not know, is queued")
    void defaultsToQueue() {
        assertThat(BusyPolicy.of(null)).isEqualTo(BusyPolicy.QUEUE);
        assertThat(BusyPolicy.of(new Headers())).isEqualTo(BusyPolicy.QUEUE);
        assertThat(BusyPolicy.of(new Headers().put(BusyPolicy.HEADER, "later"))).isEqualTo(BusyPolicy.QUEUE);
    }

    @Test
    @DisplayName("names parse case-insensitively and are the environment's choices")
    void names() {
        assertThat(BusyPolicy.parse("Interrupt")).contains(BusyPolicy.INTERRUPT);
        assertThat(BusyPolicy.parse("nope")).isEmpty();
        assertThat(BusyPolicy.wireNames()).containsExactlyInAnyOrder("queue", "interrupt", "reject");
    }
}
