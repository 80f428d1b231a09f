package dev.chatstream.pod.intake;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MessageIdsTest {

    @Test
    @DisplayName("a server-made message id is a UUIDv7 whose time is when it was made, and ids made later sort later")
    void serverIdsAreTimeOrdered() {
        long before = System.currentTimeMillis();
        String id = MessageIds.random();
        long after = System.currentTimeMillis();

        UUID parsed = UUID.fromString(id);
        assertThat(parsed.version()).isEqualTo(7);
        assertThat(parsed.variant()).isEqualTo(2);
        assertThat(MessageIds.timeOf(id)).isBetween(Instant.ofEpochMilli(before), Instant.ofEpochMilli(after));
        assertThat(MessageIds.v7(after + 1)).isGreaterThan(MessageIds.v7(after));
        assertThat(MessageIds.random()).isNotEqualTo(MessageIds.random());
    }

    @Test
    @DisplayName("an id that is not a UUIDv7 (a random UUID, a client's own key) has no time")
    void otherIdsHaveNoTime() {
        assertThat(MessageIds.timeOf(UUID.randomUUID().toString())).isNull();
        assertThat(MessageIds.timeOf("my-key-1")).isNull();
        assertThat(MessageIds.timeOf("0190c3a1-1b2c-7d3e-zzzz-123456789abc")).isNull();
        assertThat(MessageIds.timeOf(null)).isNull();
    }
}
