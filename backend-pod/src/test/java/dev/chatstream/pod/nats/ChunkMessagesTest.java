package dev.chatstream.pod.nats;

import dev.chatstream.pod.routing.Batch;
import dev.chatstream.wire.BatchHeader;
import dev.chatstream.wire.PodFrame;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ChunkMessagesTest {

    @Test
    @DisplayName("a batch read from a pod frame keeps where its message's history starts, so a repair reads near it")
    void frameSegmentKeepsHistoryStart() {
        byte[] body = "{\"chunk_id\":3}".getBytes(StandardCharsets.UTF_8);
        byte[] frame = new PodFrame.Writer(64)
                .append(new BatchHeader("s1", "m1", 3, 1, 1, false, 111, 42), 0, null, null, body)
                .append(new BatchHeader("s1", "m2", 0, 1, 1, false, 112), 0, null, null, body)
                .toBytes();
        List<Batch> batches = new ArrayList<>();
        PodFrame.forEach(frame, segment -> batches.add(ChunkMessages.batch(segment)));

        assertThat(batches).extracting(Batch::messageId, Batch::historyStart)
                .containsExactly(tuple("m1", 42L), tuple("m2", 0L));
    }
}
