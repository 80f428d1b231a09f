package dev.chatstream.worker.provider;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTest {
    private final List<String> events = new ArrayList<>();
    private final SseParser parser = new SseParser((event, data) -> events.add(event + "|" + data));

    @Test
    @DisplayName("parses events split anywhere across buffers, including inside a UTF-8 character")
    void splitBuffers() {
        byte[] bytes = "event: a\ndata: h\u00e9llo\n\ndata: x\r\ndata: y\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            parser.feed(Buffer.buffer(new byte[]{b}));
        }
        assertThat(events).containsExactly("a|h\u00e9llo", "|x\ny");
    }

    @Test
    @DisplayName("ignores comments and unknown fields, strips one leading space")
    void comments() {
        parser.feed(Buffer.buffer(": ping\n\nid: 7\nretry: 10\ndata:  two spaces\n\n"));
        assertThat(events).containsExactly("| two spaces");
    }
}
