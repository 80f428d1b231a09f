package dev.chatstream.loadtest.peers;

/**
 * Reads {@code message_id} (the driver's {@code a<number>}) and {@code chunk_id} from a chunk's JSON
 * bytes in one pass, so a reader checks order the same way whichever server delivered the event (Nchan
 * sends its own event ids, not ours). Reused per connection; -1 when a field is missing.
 */
final class ChunkPosition {
    private static final byte[] MESSAGE_ID = "\"message_id\":\"a".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CHUNK_ID = "\"chunk_id\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private long answer;
    private long chunkId;

    void scan(byte[] json, int length) {
        answer = number(json, length, MESSAGE_ID);
        chunkId = number(json, length, CHUNK_ID);
    }

    long answer() {
        return answer;
    }

    long chunkId() {
        return chunkId;
    }

    private static long number(byte[] json, int length, byte[] key) {
        outer:
        for (int i = 0; i + key.length < length; i++) {
            for (int k = 0; k < key.length; k++) {
                if (json[i + k] != key[k]) {
                    continue outer;
                }
            }
            long value = 0;
            int at = i + key.length;
            int start = at;
            while (at < length && json[at] >= '0' && json[at] <= '9') {
                value = value * 10 + (json[at++] - '0');
            }
            return at == start ? -1 : value;
        }
        return -1;
    }
}
