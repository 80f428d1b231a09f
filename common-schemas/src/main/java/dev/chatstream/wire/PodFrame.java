package dev.chatstream.wire;

import io.nats.client.impl.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A pod frame: several chunk batches, of any sessions, in one message on {@code chat.pod.{podId}.response}. A
 * worker coalesces the live batches it sends one pod within a short tick into one frame, so paced answers cost
 * NATS and the pod one message per tick instead of one per chunk. The only class that writes or reads the
 * format (docs/architecture.md "Pod frames").
 *
 * <p>The message carries the header {@link ChunkHeaders#FRAME} ({@value #VERSION}) and no batch headers. Its
 * body is a sequence of segments, each one ASCII line of space-separated fields, {@code \n}, the batch body
 * (the {@link ChunkBatch} of its chunks, {@code body_bytes} long), {@code \n}:
 * <pre>
 * session_id message_id first_chunk_id chunk_count attempt final(1|0) published_at_us requested_at_us body_bytes correlation_id traceparent history_start
 * </pre>
 * An absent correlation id or traceparent is {@code -}; an absent time or history start is {@code 0}. The fields are those of
 * {@link BatchHeader} plus what a batch's headers carry beside it; {@link Segment#toHeaders()} gives them back as
 * the headers a single batch would have had.
 */
public final class PodFrame {
    /** The value of {@link ChunkHeaders#FRAME} for this format. */
    public static final String VERSION = "1";
    private static final byte SPACE = ' ';
    private static final byte NEWLINE = '\n';
    private static final String ABSENT = "-";
    private static final int FIELDS = 12;

    private PodFrame() {
    }

    /** One batch of a frame; its body is a slice of the frame, shared, not copied. */
    public record Segment(BatchHeader header, long requestedAtMicros, String correlationId, String traceparent,
                          byte[] frame, int offset, int length) {
        /** The batch body as its own array. */
        public byte[] body() {
            return Arrays.copyOfRange(frame, offset, offset + length);
        }

        /** The headers this batch would carry as a message of its own. */
        public Headers toHeaders() {
            Headers headers = header.toHeaders();
            if (requestedAtMicros > 0) {
                headers.put(ChunkHeaders.REQUESTED_AT, Long.toString(requestedAtMicros));
            }
            if (correlationId != null) {
                headers.put(ChunkHeaders.CORRELATION_ID, correlationId);
            }
            if (traceparent != null) {
                headers.put(ChunkHeaders.TRACEPARENT, traceparent);
            }
            return headers;
        }
    }

    /** Receives the segments of a frame in order. */
    @FunctionalInterface
    public interface SegmentConsumer {
        void accept(Segment segment);
    }

    /** Whether a message with {@code headers} is a frame (else it is a single batch). */
    public static boolean isFrame(Headers headers) {
        return headers != null && headers.getFirst(ChunkHeaders.FRAME) != null;
    }

    /** The headers of a frame message. */
    public static Headers headers() {
        return new Headers().put(ChunkHeaders.FRAME, VERSION);
    }

    /** Whether {@code value} can be a field (a session or message id): not empty, no space, no line break. */
    public static boolean fits(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\n' || c == '\r' || c > 0x7e || c < 0x21) {
                return false;
            }
        }
        return true;
    }

    /**
     * Calls {@code consumer} for each segment of {@code frame}, in order; returns how many. Throws
     * {@link IllegalArgumentException} naming what is wrong on a malformed frame (segments before it were
     * already handed over).
     */
    public static int forEach(byte[] frame, SegmentConsumer consumer) {
        Reader reader = new Reader(frame);
        int count = 0;
        while (reader.position < frame.length) {
            consumer.accept(reader.next());
            count++;
        }
        return count;
    }

    /** Accumulates segments; not thread-safe. */
    public static final class Writer {
        private byte[] bytes;
        private int size;
        private int segments;

        public Writer(int initialCapacity) {
            bytes = new byte[Math.max(64, initialCapacity)];
        }

        /**
         * Appends a batch. Throws {@link IllegalArgumentException} when its session or message id cannot be a
         * field ({@link #fits}); a correlation id that cannot is left out (it only serves logs).
         */
        public Writer append(BatchHeader header, long requestedAtMicros, String correlationId, String traceparent,
                             byte[] body) {
            if (!fits(header.sessionId()) || !fits(header.messageId())) {
                throw new IllegalArgumentException("a frame cannot carry session " + header.sessionId()
                        + " / message " + header.messageId());
            }
            String line = header.sessionId() + ' ' + header.messageId() + ' ' + header.firstChunkId() + ' '
                    + header.count() + ' ' + header.attempt() + ' ' + (header.endsMessage() ? '1' : '0') + ' '
                    + header.publishedAtMicros() + ' ' + Math.max(0, requestedAtMicros) + ' ' + body.length + ' '
                    + (fits(correlationId) ? correlationId : ABSENT) + ' '
                    + (fits(traceparent) ? traceparent : ABSENT) + ' ' + header.historyStart() + '\n';
            byte[] head = line.getBytes(StandardCharsets.US_ASCII);
            ensure(head.length + body.length + 1);
            System.arraycopy(head, 0, bytes, size, head.length);
            size += head.length;
            System.arraycopy(body, 0, bytes, size, body.length);
            size += body.length;
            bytes[size++] = NEWLINE;
            segments++;
            return this;
        }

        public int segments() {
            return segments;
        }

        public int size() {
            return size;
        }

        /** The frame body so far. */
        public byte[] toBytes() {
            return Arrays.copyOf(bytes, size);
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }

    /** Reads segments off a frame without copying bodies. */
    private static final class Reader {
        private final byte[] frame;
        private int position;

        Reader(byte[] frame) {
            this.frame = frame;
        }

        Segment next() {
            int lineEnd = indexOf(NEWLINE, position);
            if (lineEnd < 0) {
                throw new IllegalArgumentException("pod frame: segment line without end at byte " + position);
            }
            String[] fields = new String(frame, position, lineEnd - position, StandardCharsets.US_ASCII)
                    .split(" ", -1);
            if (fields.length != FIELDS) {
                throw new IllegalArgumentException("pod frame: segment line has " + fields.length + " fields, not "
                        + FIELDS + " at byte " + position);
            }
            int bodyBytes = (int) number(fields[8], "body_bytes");
            int bodyStart = lineEnd + 1;
            if (bodyBytes <= 0 || bodyStart + bodyBytes > frame.length) {
                throw new IllegalArgumentException("pod frame: body of " + bodyBytes + " bytes does not fit at byte "
                        + bodyStart);
            }
            BatchHeader header = new BatchHeader(fields[0], fields[1], number(fields[2], "first_chunk_id"),
                    (int) number(fields[3], "chunk_count"), (int) number(fields[4], "attempt"), "1".equals(fields[5]),
                    number(fields[6], "published_at_us"), number(fields[11], "history_start"));
            position = bodyStart + bodyBytes;
            if (position < frame.length) {
                if (frame[position] != NEWLINE) {
                    throw new IllegalArgumentException("pod frame: no line break after the body at byte " + position);
                }
                position++;
            }
            return new Segment(header, number(fields[7], "requested_at_us"), orNull(fields[9]), orNull(fields[10]),
                    frame, bodyStart, bodyBytes);
        }

        private int indexOf(byte b, int from) {
            for (int i = from; i < frame.length; i++) {
                if (frame[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        private static long number(String value, String name) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pod frame: " + name + " is not a number: " + value);
            }
        }

        private static String orNull(String value) {
            return ABSENT.equals(value) ? null : value;
        }
    }
}
