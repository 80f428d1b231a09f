package dev.chatstream.wire;

import io.nats.client.impl.Headers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchHeaderTest {

    @Test
    @DisplayName("a batch header survives toHeaders and from unchanged")
    void roundTrips() {
        BatchHeader header = new BatchHeader("s1", "m1", 7, 3, 2, true, 1_700_000_000_000_000L);
        assertThat(BatchHeader.from(header.toHeaders())).isEqualTo(header);
        assertThat(header.toHeaders().getFirst(ChunkHeaders.PUBLISHED_AT)).isEqualTo("1700000000000000");
    }

    @Test
    @DisplayName("attempt, count and publish time may be absent; a missing or non-numeric chunk id is named")
    void defaultsAndErrors() {
        Headers minimal = new Headers().put(ChunkHeaders.SESSION_ID, "s").put(ChunkHeaders.MESSAGE_ID, "m")
                .put(ChunkHeaders.FIRST_CHUNK_ID, "0");
        assertThat(BatchHeader.from(minimal)).isEqualTo(new BatchHeader("s", "m", 0, 0, 1, false, 0));
        assertThatThrownBy(() -> BatchHeader.from(new Headers().put(ChunkHeaders.SESSION_ID, "s")
                .put(ChunkHeaders.MESSAGE_ID, "m"))).hasMessageContaining(ChunkHeaders.FIRST_CHUNK_ID);
        assertThatThrownBy(() -> BatchHeader.from(new Headers().put(ChunkHeaders.SESSION_ID, "s")
                .put(ChunkHeaders.MESSAGE_ID, "m").put(ChunkHeaders.FIRST_CHUNK_ID, "x"))).hasMessageContaining("not a number");
        assertThatThrownBy(() -> BatchHeader.from(null)).hasMessageContaining("without headers");
    }

    @Test
    @DisplayName("the history start travels as Chat-History-Start, and is 0 when absent")
    void historyStart() {
        BatchHeader header = new BatchHeader("s", "m", 5, 1, 2, false, 0, 4711);
        assertThat(header.toHeaders().getFirst(ChunkHeaders.HISTORY_START)).isEqualTo("4711");
        assertThat(BatchHeader.from(header.toHeaders())).isEqualTo(header);
        assertThat(new BatchHeader("s", "m", 0, 1, 1, false, 0).toHeaders().getFirst(ChunkHeaders.HISTORY_START)).isNull();
        assertThat(BatchHeader.from(new BatchHeader("s", "m", 0, 1, 1, false, 0).toHeaders()).historyStart()).isZero();
    }

    @Test
    @DisplayName("the history Nats-Msg-Id is <message_id>:<first_chunk_id>:<attempt>")
    void historyMsgId() {
        assertThat(new BatchHeader("s", "m1", 12, 4, 3, false, 0).historyMsgId()).isEqualTo("m1:12");
    }
}
