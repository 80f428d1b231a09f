package dev.chatstream.loadtest.check;

/**
 * The per-event fields of a ResponseChunk JSON read straight from its UTF-8 bytes in one pass, no
 * allocation: {@code is_final}, {@code timestamp} and whether {@code chunk_type} is {@code error}
 * or {@code system}. Same rule as {@link ChunkFields}: the first {@code "name":} sequence is the
 * key. The codec writes compact JSON and escapes every quote inside strings, so inside a string
 * the closing quote of such a sequence would follow a backslash and never match; UTF-8
 * multi-byte characters contain no ASCII bytes, so matching bytes equals matching characters.
 * Reused: one per connection, read its fields after {@link #scan} and before the next call.
 */
public final class ChunkScan {
    /** {@code chunk_type} other than {@code error}/{@code system}, or absent. */
    public static final int TYPE_OTHER = 0;
    public static final int TYPE_ERROR = 1;
    public static final int TYPE_SYSTEM = 2;

    private static final byte[] IS_FINAL = key("is_final");
    private static final byte[] TIMESTAMP = key("timestamp");
    private static final byte[] CHUNK_TYPE = key("chunk_type");
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] ERROR = {'"', 'e', 'r', 'r', 'o', 'r', '"'};
    private static final byte[] SYSTEM = {'"', 's', 'y', 's', 't', 'e', 'm', '"'};

    private boolean isFinal;
    private long timestampNanos;
    private int type;

    /** Reads the fields of the JSON in the first {@code length} bytes of {@code json}. */
    public void scan(byte[] json, int length) {
        isFinal = false;
        timestampNanos = Long.MIN_VALUE;
        type = TYPE_OTHER;
        boolean finalSeen = false;
        boolean timestampSeen = false;
        boolean typeSeen = false;
        for (int i = 0; i < length - 1; i++) {
            if (json[i] != '"') {
                continue;
            }
            byte next = json[i + 1];
            if (next == 'i' && !finalSeen && at(json, length, i, IS_FINAL)) {
                finalSeen = true;
                isFinal = at(json, length, i + IS_FINAL.length, TRUE);
            } else if (next == 't' && !timestampSeen && at(json, length, i, TIMESTAMP)) {
                timestampSeen = true;
                int value = i + TIMESTAMP.length;
                if (value < length && json[value] == '"') {
                    timestampNanos = Timestamps.epochNanos(json, value + 1, length);
                }
            } else if (next == 'c' && !typeSeen && at(json, length, i, CHUNK_TYPE)) {
                typeSeen = true;
                int value = i + CHUNK_TYPE.length;
                type = at(json, length, value, ERROR) ? TYPE_ERROR : at(json, length, value, SYSTEM) ? TYPE_SYSTEM : TYPE_OTHER;
            } else {
                continue;
            }
            if (finalSeen && timestampSeen && typeSeen) {
                return;
            }
        }
    }

    /** Whether {@code is_final} is present and {@code true}. */
    public boolean isFinal() {
        return isFinal;
    }

    /** Epoch nanoseconds of {@code timestamp}, or {@link Long#MIN_VALUE} when absent or unreadable. */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** {@link #TYPE_ERROR}, {@link #TYPE_SYSTEM} or {@link #TYPE_OTHER}. */
    public int type() {
        return type;
    }

    private static boolean at(byte[] json, int length, int at, byte[] pattern) {
        if (at + pattern.length > length) {
            return false;
        }
        for (int k = 0; k < pattern.length; k++) {
            if (json[at + k] != pattern[k]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] key(String name) {
        return ("\"" + name + "\":").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
