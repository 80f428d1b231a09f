package dev.chatstream.loadtest.sse;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class SseScannerTest {
    /** Every rule at once: comments, retry, unknown fields, no space after the colon, multi-line and empty data, UTF-8. */
    private static final String SAMPLE = String.join("\n",
            ": keep-alive",
            "",
            "event: chunk",
            "id: m1:0",
            "data: {\"chunk\":\"caf\u00e9 \\\"is_final\\\":true\",\"is_final\":false}",
            "",
            "retry: 1000",
            "",
            "event:chunk",
            "id:m1:1",
            "unknown: x",
            "data",
            "data:  two spaces",
            ": comment inside a block",
            "data: \uD83D\uDE00",
            "",
            "data: no event, no id",
            "",
            "event: error",
            "id: m2:3",
            "",
            "data:",
            "",
            "");

    private static final List<SseEvent> EXPECTED = List.of(
            new SseEvent("chunk", "m1:0", "{\"chunk\":\"caf\u00e9 \\\"is_final\\\":true\",\"is_final\":false}"),
            new SseEvent("chunk", "m1:1", "\n two spaces\n\uD83D\uDE00"),
            new SseEvent("message", null, "no event, no id"),
            new SseEvent("message", null, ""));

    /** Feeds heap buffers (scanned in place) and direct ones (copied) in turn, so both paths see every slicing. */
    private static List<SseEvent> parse(byte[] bytes, int... cuts) {
        List<SseEvent> events = new ArrayList<>();
        SseScanner scanner = new SseScanner(frame -> events.add(new SseEvent(frame.event(), frame.id(), frame.data())));
        int from = 0;
        int read = 0;
        for (int cut : cuts) {
            scanner.feed(read(bytes, from, cut - from, read++));
            from = cut;
        }
        scanner.feed(read(bytes, from, bytes.length - from, read));
        return events;
    }

    private static Buffer read(byte[] bytes, int offset, int length, int index) {
        if (index % 2 == 1) {
            return BufferInternal.buffer(Unpooled.directBuffer(length + 1).writeBytes(bytes, offset, length));
        }
        // A slice with bytes before and after it, as a read inside a larger heap buffer.
        byte[] padded = new byte[length + 8];
        java.util.Arrays.fill(padded, (byte) '\n');
        System.arraycopy(bytes, offset, padded, 3, length);
        return BufferInternal.buffer(Unpooled.wrappedBuffer(padded, 3, length));
    }

    private static byte[] withLineEnds(String lineEnd) {
        return SAMPLE.replace("\n", lineEnd).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("reads every event of a sample stream fed in one piece")
    void readsTheWholeStream() {
        assertThat(parse(withLineEnds("\n"))).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    @DisplayName("gives the same events for LF, CRLF and CR line ends and a mix of them")
    void acceptsEveryLineEnd() {
        assertThat(parse(withLineEnds("\r\n"))).containsExactlyElementsOf(EXPECTED);
        assertThat(parse(withLineEnds("\r"))).containsExactlyElementsOf(EXPECTED);
        String mixed = SAMPLE.replace("\n\n", "\r\n\r");
        assertThat(parse(mixed.getBytes(StandardCharsets.UTF_8))).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    @DisplayName("gives the same events for every split of the stream into two and three reads, for every line end")
    void survivesEverySlicing() {
        for (String lineEnd : List.of("\n", "\r\n", "\r")) {
            byte[] bytes = withLineEnds(lineEnd);
            for (int a = 0; a <= bytes.length; a++) {
                assertThat(parse(bytes, a)).as("cut at %d (%s)", a, lineEnd.replace("\r", "CR").replace("\n", "LF"))
                        .containsExactlyElementsOf(EXPECTED);
                for (int b = a; b <= bytes.length; b += 7) {
                    assertThat(parse(bytes, a, b)).as("cuts at %d, %d", a, b).containsExactlyElementsOf(EXPECTED);
                }
            }
        }
    }

    @Test
    @DisplayName("gives the same events when fed one byte per read")
    void survivesOneBytePerRead() {
        for (String lineEnd : List.of("\n", "\r\n", "\r")) {
            byte[] bytes = withLineEnds(lineEnd);
            int[] cuts = new int[bytes.length - 1];
            for (int i = 0; i < cuts.length; i++) {
                cuts[i] = i + 1;
            }
            assertThat(parse(bytes, cuts)).containsExactlyElementsOf(EXPECTED);
        }
    }

    @Test
    @DisplayName("reads a CR at the end of one read and the LF at the start of the next as one line end")
    void joinsCrLfAcrossReads() {
        byte[] bytes = "data: a\r\n\r\ndata: b\r\r".getBytes(StandardCharsets.US_ASCII);
        assertThat(parse(bytes, 8)).extracting(SseEvent::data).containsExactly("a", "b");
        assertThat(parse(bytes, 8, 10)).extracting(SseEvent::data).containsExactly("a", "b");
    }

    @Test
    @DisplayName("does not carry data, id or event of one event over to the next, and keeps long lines whole")
    void resetsBetweenEvents() {
        String longData = "x".repeat(20_000);
        byte[] bytes = ("event: chunk\nid: m:1\ndata: " + longData + "\n\ndata: y\n\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(parse(bytes, 100, 10_000)).containsExactly(
                new SseEvent("chunk", "m:1", longData), new SseEvent("message", null, "y"));
    }

    @Test
    @DisplayName("hands out the raw bytes of id and data without copying them to Strings")
    void exposesBytes() {
        List<String> seen = new ArrayList<>();
        SseScanner scanner = new SseScanner(frame -> {
            assertThat(frame.eventIs("chunk".getBytes(StandardCharsets.US_ASCII))).isTrue();
            seen.add(new String(frame.idBytes(), 0, frame.idLength(), StandardCharsets.US_ASCII) + "|"
                    + new String(frame.dataBytes(), 0, frame.dataLength(), StandardCharsets.US_ASCII));
        });
        byte[] bytes = "event: chunk\nid: abc:12\ndata: {}\n\nevent: chunk\nid: abc:13\ndata: {\"a\":1}\n\n".getBytes(StandardCharsets.US_ASCII);
        scanner.feed(bytes, 0, bytes.length);
        assertThat(seen).containsExactly("abc:12|{}", "abc:13|{\"a\":1}");
    }
}
