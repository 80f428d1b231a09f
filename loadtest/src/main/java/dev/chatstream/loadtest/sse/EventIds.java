package dev.chatstream.loadtest.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the {@code messageId:chunkId} SSE id from bytes: the message id as one String per message
 * (reused while the bytes equal the previous event's), the chunk id as a number.
 * Not thread-safe: one per connection.
 */
public final class EventIds {
    private byte[] lastBytes = new byte[64];
    private int lastLength;
    private String last;

    /** Index of the last {@code :} in the first {@code length} bytes of {@code id}, or -1. */
    public static int lastColon(byte[] id, int length) {
        int colon = length - 1;
        while (colon >= 0 && id[colon] != ':') {
            colon--;
        }
        return colon;
    }

    /** The message id in the first {@code length} bytes of {@code id}: the same String while it does not change. */
    public String messageId(byte[] id, int length) {
        if (last != null && length == lastLength && Arrays.equals(id, 0, length, lastBytes, 0, length)) {
            return last;
        }
        if (lastBytes.length < length) {
            lastBytes = new byte[length];
        }
        System.arraycopy(id, 0, lastBytes, 0, length);
        lastLength = length;
        last = new String(id, 0, length, StandardCharsets.UTF_8);
        return last;
    }

    /** The decimal number in {@code bytes[from, to)}, or -1 when empty, not all digits or longer than 18 digits. */
    public static long chunkId(byte[] bytes, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
