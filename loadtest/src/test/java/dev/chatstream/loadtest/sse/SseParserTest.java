package dev.chatstream.loadtest.sse;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTest {
    private final List<SseEvent> events = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add);

    private void feed(String text) {
        parser.feed(Buffer.buffer(text));
    }

    @Test
    @DisplayName("reads event, id and data of a chunk event")
    void readsAChunkEvent() {
        feed("event: chunk\nid: m1:0\ndata: {\"a\":1}\n\n");
        assertThat(events).containsExactly(new SseEvent("chunk", "m1:0", "{\"a\":1}"));
    }

    @Test
    @DisplayName("reassembles an event split at every byte across reads")
    void reassemblesSplitEvents() {
        byte[] bytes = "event: chunk\r\nid: m1:7\r\ndata: héllo\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            parser.feed(new byte[]{b});
        }
        assertThat(events).containsExactly(new SseEvent("chunk", "m1:7", "héllo"));
    }

    @Test
    @DisplayName("skips comments and blocks without data, such as keep-alives and retry hints")
    void skipsCommentsAndRetryBlocks() {
        feed(": keep-alive\n\nretry: 1000\n\ndata: x\n\n");
        assertThat(events).containsExactly(new SseEvent("message", null, "x"));
    }

    @Test
    @DisplayName("joins several data lines with a newline")
    void joinsDataLines() {
        feed("data: a\ndata: b\n\n");
        assertThat(events).extracting(SseEvent::data).containsExactly("a\nb");
    }
}
