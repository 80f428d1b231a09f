package dev.chatstream.loadtest.peers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkPositionTest {

    @Test
    @DisplayName("reads the answer number and chunk id from the chunk JSON the driver publishes")
    void readsTheDriversChunk() {
        PacedAnswers.Token token = new PacedAnswers.Token(7, 1234, 56, false, 0);
        byte[] json = PeerChunk.of(token, 1_764_000_000_000_000_000L).json();
        ChunkPosition position = new ChunkPosition();
        position.scan(json, json.length);
        assertThat(position.answer()).isEqualTo(1234);
        assertThat(position.chunkId()).isEqualTo(56);
    }

    @Test
    @DisplayName("answers -1 for a field that is missing")
    void missingFields() {
        byte[] json = "{\"session_id\":\"s\"}".getBytes(StandardCharsets.UTF_8);
        ChunkPosition position = new ChunkPosition();
        position.scan(json, json.length);
        assertThat(position.answer()).isEqualTo(-1);
        assertThat(position.chunkId()).isEqualTo(-1);
    }
}
