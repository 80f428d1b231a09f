package dev.chatstream.wire;

import io.nats.client.impl.Headers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PodFrameTest {
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    @DisplayName("reads back every batch of a frame, in order, with its fields (where its history starts too) and its exact body")
    void roundTrip() {
        byte[] a = bytes("{\"chunk_id\":0}");
        byte[] b = bytes("{\"chunk_id\":7}\n{\"chunk_id\":8}");
        byte[] frame = new PodFrame.Writer(16)
                .append(new BatchHeader("s1", "m1", 0, 1, 1, false, 111), 99, "corr-1", TRACEPARENT, a)
                .append(new BatchHeader("s2", "m2", 7, 2, 3, true, 222, 40), 0, null, null, b)
                .toBytes();

        List<PodFrame.Segment> segments = new ArrayList<>();
        assertThat(PodFrame.forEach(frame, segments::add)).isEqualTo(2);

        PodFrame.Segment first = segments.get(0);
        assertThat(first.header()).isEqualTo(new BatchHeader("s1", "m1", 0, 1, 1, false, 111));
        assertThat(first.requestedAtMicros()).isEqualTo(99);
        assertThat(first.correlationId()).isEqualTo("corr-1");
        assertThat(first.traceparent()).isEqualTo(TRACEPARENT);
        assertThat(first.body()).isEqualTo(a);
        PodFrame.Segment second = segments.get(1);
        assertThat(second.header()).isEqualTo(new BatchHeader("s2", "m2", 7, 2, 3, true, 222, 40));
        assertThat(second.correlationId()).isNull();
        assertThat(second.traceparent()).isNull();
        assertThat(second.body()).isEqualTo(b);
    }

    @Test
    @DisplayName("gives a segment the headers it would have carried alone")
    void segmentHeaders() {
        byte[] frame = new PodFrame.Writer(16)
                .append(new BatchHeader("s1", "m1", 0, 1, 2, true, 5), 4, "corr-1", TRACEPARENT, bytes("{}"))
                .toBytes();
        List<Headers> headers = new ArrayList<>();
        PodFrame.forEach(frame, segment -> headers.add(segment.toHeaders()));

        Headers h = headers.getFirst();
        assertThat(BatchHeader.from(h)).isEqualTo(new BatchHeader("s1", "m1", 0, 1, 2, true, 5));
        assertThat(h.getFirst(ChunkHeaders.REQUESTED_AT)).isEqualTo("4");
        assertThat(h.getFirst(ChunkHeaders.CORRELATION_ID)).isEqualTo("corr-1");
        assertThat(h.getFirst(ChunkHeaders.TRACEPARENT)).isEqualTo(TRACEPARENT);
    }

    @Test
    @DisplayName("is told apart from a single batch by its Chat-Frame header")
    void markedByItsHeader() {
        assertThat(PodFrame.isFrame(PodFrame.headers())).isTrue();
        assertThat(PodFrame.isFrame(new BatchHeader("s", "m", 0, 1, 1, false, 0).toHeaders())).isFalse();
        assertThat(PodFrame.isFrame(null)).isFalse();
    }

    @Test
    @DisplayName("refuses a session or message id that cannot be a field, and leaves out such a correlation id")
    void refusesIdsThatAreNotFields() {
        PodFrame.Writer writer = new PodFrame.Writer(16);
        assertThatThrownBy(() -> writer.append(new BatchHeader("s 1", "m", 0, 1, 1, false, 0), 0, null, null, bytes("{}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s 1");
        byte[] frame = writer.append(new BatchHeader("s", "m", 0, 1, 1, false, 0), 0, "has space", null, bytes("{}"))
                .toBytes();
        List<PodFrame.Segment> segments = new ArrayList<>();
        PodFrame.forEach(frame, segments::add);
        assertThat(segments).singleElement().satisfies(s -> assertThat(s.correlationId()).isNull());
    }

    @Test
    @DisplayName("names what is wrong in a malformed frame")
    void malformed() {
        assertThatThrownBy(() -> PodFrame.forEach(bytes("s1 m1 0 1 1 0 0 0 99 - - 0\n{}"), s -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("body of 99 bytes");
        assertThatThrownBy(() -> PodFrame.forEach(bytes("s1 m1 x 1 1 0 0 0 2 - - 0\n{}"), s -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first_chunk_id");
        assertThatThrownBy(() -> PodFrame.forEach(bytes("s1 m1 0 1\n{}"), s -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fields");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
