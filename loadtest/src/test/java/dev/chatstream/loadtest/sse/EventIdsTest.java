package dev.chatstream.loadtest.sse;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTest {
    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("splits the id at its last colon and reads the chunk id")
    void splitsAtTheLastColon() {
        byte[] id = bytes("a:b:42");
        int colon = EventIds.lastColon(id, id.length);
        assertThat(colon).isEqualTo(3);
        assertThat(new EventIds().messageId(id, colon)).isEqualTo("a:b");
        assertThat(EventIds.chunkId(id, colon + 1, id.length)).isEqualTo(42);
        assertThat(EventIds.lastColon(bytes("nocolon"), 7)).isEqualTo(-1);
    }

    @Test
    @DisplayName("returns the same String for the same message id and a new one when it changes")
    void reusesTheMessageIdString() {
        EventIds ids = new EventIds();
        String first = ids.messageId(bytes("m1:0"), 2);
        assertThat(ids.messageId(bytes("m1:1"), 2)).isSameAs(first);
        assertThat(ids.messageId(bytes("m2:0"), 2)).isEqualTo("m2");
        assertThat(ids.messageId(bytes("m22:0"), 3)).isEqualTo("m22");
        assertThat(ids.messageId(bytes("m2:0"), 2)).isEqualTo("m2");
        String longId = "x".repeat(100);
        assertThat(ids.messageId(bytes(longId + ":1"), 100)).isEqualTo(longId);
    }

    @Test
    @DisplayName("rejects an empty, signed, non-numeric or overlong chunk id")
    void rejectsBadChunkIds() {
        for (String bad : new String[]{"", "-1", "+1", "1a", "1234567890123456789"}) {
            byte[] b = bytes(bad);
            assertThat(EventIds.chunkId(b, 0, b.length)).as(bad).isEqualTo(-1);
        }
        byte[] ok = bytes("x:007");
        assertThat(EventIds.chunkId(ok, 2, ok.length)).isEqualTo(7);
    }
}
