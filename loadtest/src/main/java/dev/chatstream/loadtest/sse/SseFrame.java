package dev.chatstream.loadtest.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One server-sent event as raw bytes, reused by {@link SseScanner} for every event of a
 * connection: valid only while the handler runs. {@code event} and {@code id} are absent when
 * the block had no such field; the data lines are joined with {@code \n} as in EventSource.
 */
public final class SseFrame {
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);

    private byte[] event = new byte[16];
    private int eventLength = -1;
    private byte[] id = new byte[64];
    private int idLength = -1;
    private byte[] data = new byte[512];
    private int dataLength = -1;

    SseFrame() {
    }

    /** Whether the event type is {@code name} ({@code message} when the block had no {@code event:} field). */
    public boolean eventIs(byte[] name) {
        return eventLength < 0
                ? Arrays.equals(name, MESSAGE)
                : Arrays.equals(event, 0, eventLength, name, 0, name.length);
    }

    /** The event type, {@code message} when the block had no {@code event:} field. */
    public String event() {
        return eventLength < 0 ? "message" : new String(event, 0, eventLength, StandardCharsets.UTF_8);
    }

    public boolean hasId() {
        return idLength >= 0;
    }

    /** The bytes of the id; only the first {@link #idLength} count. */
    public byte[] idBytes() {
        return id;
    }

    /** Length of the id, -1 when the block had no {@code id:} field. */
    public int idLength() {
        return idLength;
    }

    /** The id as text, null when the block had no {@code id:} field. */
    public String id() {
        return idLength < 0 ? null : new String(id, 0, idLength, StandardCharsets.UTF_8);
    }

    /** The bytes of the data; only the first {@link #dataLength} count. */
    public byte[] dataBytes() {
        return data;
    }

    public int dataLength() {
        return dataLength;
    }

    /** The data as text (allocates: for rare paths). */
    public String data() {
        return new String(data, 0, dataLength, StandardCharsets.UTF_8);
    }

    boolean hasData() {
        return dataLength >= 0;
    }

    void appendData(byte[] bytes, int offset, int length) {
        int at = dataLength < 0 ? 0 : dataLength + 1;
        data = ensure(data, at + length);
        if (dataLength >= 0) {
            data[dataLength] = '\n';
        }
        System.arraycopy(bytes, offset, data, at, length);
        dataLength = at + length;
    }

    void setId(byte[] bytes, int offset, int length) {
        id = ensure(id, length);
        System.arraycopy(bytes, offset, id, 0, length);
        idLength = length;
    }

    void setEvent(byte[] bytes, int offset, int length) {
        event = ensure(event, length);
        System.arraycopy(bytes, offset, event, 0, length);
        eventLength = length;
    }

    void reset() {
        eventLength = -1;
        idLength = -1;
        dataLength = -1;
    }

    private static byte[] ensure(byte[] array, int length) {
        return length <= array.length ? array : Arrays.copyOf(array, Math.max(length, array.length * 2));
    }
}
