package dev.chatstream.loadtest.check;

/**
 * The few fields of a ResponseChunk JSON the generator needs, found by scanning instead of
 * decoding the whole document, so thousands of chunks per second cost the client little CPU.
 * The codec writes compact JSON and escapes every quote inside strings, so a {@code "name":}
 * sequence can only be a real key.
 */
public final class ChunkFields {
    private ChunkFields() {
    }

    /** The raw value text of a string field, or null when absent. */
    public static String string(String json, String name) {
        int start = valueStart(json, name);
        if (start < 0 || start >= json.length() || json.charAt(start) != '"') {
            return null;
        }
        int end = start + 1;
        while (end < json.length()) {
            char c = json.charAt(end);
            if (c == '\\') {
                end += 2;
                continue;
            }
            if (c == '"') {
                return json.substring(start + 1, end);
            }
            end++;
        }
        return null;
    }

    /** Whether a boolean field is present and {@code true}. */
    public static boolean isTrue(String json, String name) {
        int start = valueStart(json, name);
        return start >= 0 && json.startsWith("true", start);
    }

    /** A whole-number field, or {@code fallback} when absent. */
    public static long number(String json, String name, long fallback) {
        int start = valueStart(json, name);
        if (start < 0) {
            return fallback;
        }
        long value = 0;
        int i = start;
        for (; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        return i == start ? fallback : value;
    }

    /** Epoch nanoseconds of the {@code timestamp} field, or {@link Long#MIN_VALUE} when absent or unreadable. */
    public static long timestampNanos(String json) {
        int start = valueStart(json, "timestamp");
        if (start < 0 || json.charAt(start) != '"') {
            return Long.MIN_VALUE;
        }
        return Timestamps.epochNanos(json, start + 1);
    }

    private static int valueStart(String json, String name) {
        String key = KEYS.get(name);
        if (key == null) {
            key = "\"" + name + "\":";
        }
        int at = json.indexOf(key);
        return at < 0 ? -1 : at + key.length();
    }

    /** The quoted keys of the fields read on every event, built once. */
    private static final java.util.Map<String, String> KEYS = java.util.Map.of(
            "timestamp", "\"timestamp\":", "is_final", "\"is_final\":", "chunk_type", "\"chunk_type\":",
            "message_id", "\"message_id\":", "chunk_id", "\"chunk_id\":", "code", "\"code\":", "chunk", "\"chunk\":");
}
