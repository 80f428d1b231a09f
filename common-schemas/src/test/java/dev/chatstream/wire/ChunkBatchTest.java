package dev.chatstream.wire;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkBatchTest {

    @Test
    @DisplayName("joins chunks with newlines and splits them back without copying")
    void joinAndSplit() {
        List<byte[]> chunks = List.of(bytes("{\"a\":1}"), bytes("{\"b\":\"x\\ny\"}"), bytes("{\"c\":3}"));
        byte[] body = ChunkBatch.join(chunks);
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"b\":\"x\\ny\"}\n{\"c\":3}");

        List<String> seen = new ArrayList<>();
        int count = ChunkBatch.forEach(body, (i, b, off, len) -> seen.add(i + "=" + new String(b, off, len, StandardCharsets.UTF_8)));
        assertThat(count).isEqualTo(3);
        assertThat(seen).containsExactly("0={\"a\":1}", "1={\"b\":\"x\\ny\"}", "2={\"c\":3}");
    }

    @Test
    @DisplayName("a batch of one is the chunk itself")
    void single() {
        byte[] one = bytes("{\"a\":1}");
        assertThat(ChunkBatch.join(List.of(one))).isSameAs(one);
        assertThat(ChunkBatch.forEach(one, (i, b, off, len) -> { })).isEqualTo(1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
