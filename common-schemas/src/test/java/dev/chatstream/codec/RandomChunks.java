package dev.chatstream.codec;

import dev.chatstream.schemas.ChunkError;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.ChunkType;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;

import java.time.Instant;
import java.util.Random;
import java.util.UUID;

/**
 * Reproducible random {@link ResponseChunk}s covering what the record allows: texts mixing every
 * escape class, multi-byte characters, surrogate pairs and lone surrogates; every chunk type; absent
 * and present optional fields; ids up to {@link Long#MAX_VALUE}; timestamps across years 0000 to 9999
 * with 0, 3, 6 or 9 fraction digits, and (when asked) years the JSON Schema does not allow.
 */
final class RandomChunks {
    static final long FIRST_SCHEMA_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    static final long LAST_SCHEMA_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    private static final String PLAIN = "abcxyzABCXYZ0189 -_.,:;!?/'<>&=+*#@$%^~`|{}[]()\u007f";
    private static final String ESCAPED = "\"\\\b\f\n\r\t\u0000\u0001\u0007\u000b\u000e\u001b\u001f";
    private static final String TWO_BYTES = "\u0080\u00a0\u00e9\u00ff\u0100\u03bb\u05d0\u07ff";
    private static final String THREE_BYTES = "\u0800\u20ac\u2028\u2029\u4e2d\ud7ff\ue000\ufeff\ufffd\uffff";

    private final Random random;
    private final boolean schemaYearsOnly;

    RandomChunks(long seed, boolean schemaYearsOnly) {
        this.random = new Random(seed);
        this.schemaYearsOnly = schemaYearsOnly;
    }

    ResponseChunk next() {
        ChunkType type = ChunkType.values()[random.nextInt(ChunkType.values().length)];
        ChunkError error = type == ChunkType.ERROR || random.nextInt(8) == 0
                ? new ChunkError(text(), text())
                : null;
        return new ResponseChunk(id(), id(), chunkId(), text(), type, random.nextBoolean(),
                metadata(), error, timestamp(), random.nextInt(4) == 0 ? null : id());
    }

    /** Mostly UUIDs as the services use; sometimes any string, which the record allows. */
    private String id() {
        return random.nextInt(5) == 0 ? text() : UUID.nameUUIDFromBytes(longBytes()).toString();
    }

    String text() {
        int length = switch (random.nextInt(20)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> 200 + random.nextInt(2000);
            case 3 -> random.nextInt(100) == 0 ? 8000 + random.nextInt(20_000) : random.nextInt(60);
            default -> random.nextInt(40);
        };
        // Many texts use one or two classes only, as real tokens do; others mix all of them.
        int classes = random.nextInt(3) == 0 ? 1 + random.nextInt(7) : 0b111_1111;
        StringBuilder text = new StringBuilder(length + 2);
        while (text.length() < length) {
            int kind = random.nextInt(7);
            if ((classes & (1 << kind)) == 0) {
                kind = 0;
            }
            switch (kind) {
                case 0 -> text.append(pick(PLAIN));
                case 1 -> text.append(pick(ESCAPED));
                case 2 -> text.append((char) random.nextInt(0x20));
                case 3 -> text.append(random.nextBoolean() ? pick(TWO_BYTES) : (char) (0x80 + random.nextInt(0x780)));
                case 4 -> text.append(random.nextBoolean() ? pick(THREE_BYTES) : threeByteChar());
                case 5 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
                default -> text.append(loneSurrogate());
            }
        }
        return text.toString();
    }

    private ChunkMetadata metadata() {
        if (random.nextInt(3) == 0) {
            return null;
        }
        Integer tokens = switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> random.nextBoolean() ? 0 : Integer.MAX_VALUE;
            default -> random.nextInt(100_000);
        };
        FinishReason reason = random.nextInt(4) == 0 ? null
                : FinishReason.values()[random.nextInt(FinishReason.values().length)];
        return new ChunkMetadata(random.nextInt(3) == 0 ? null : text(), tokens, reason);
    }

    private long chunkId() {
        return switch (random.nextInt(6)) {
            case 0 -> random.nextInt(10);
            case 1 -> Long.MAX_VALUE - random.nextInt(3);
            case 2 -> (long) Math.pow(10, random.nextInt(19)) - random.nextInt(2);
            case 3 -> random.nextLong() & Long.MAX_VALUE;
            default -> random.nextInt(5000);
        };
    }

    private Instant timestamp() {
        long second;
        int pick = random.nextInt(20);
        if (pick == 0 && !schemaYearsOnly) {
            second = random.nextBoolean()
                    ? Instant.MIN.getEpochSecond() + (random.nextLong() & Long.MAX_VALUE) % (FIRST_SCHEMA_SECOND - Instant.MIN.getEpochSecond())
                    : LAST_SCHEMA_SECOND + 1 + (random.nextLong() & Long.MAX_VALUE) % (Instant.MAX.getEpochSecond() - LAST_SCHEMA_SECOND);
        } else if (pick < 10) {
            // Around today, where real chunks are.
            second = 1_700_000_000L + random.nextInt(400_000_000);
        } else {
            second = FIRST_SCHEMA_SECOND + (random.nextLong() & Long.MAX_VALUE) % (LAST_SCHEMA_SECOND - FIRST_SCHEMA_SECOND + 1);
        }
        int nano = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(second, nano);
    }

    private char pick(String chars) {
        return chars.charAt(random.nextInt(chars.length()));
    }

    private char threeByteChar() {
        char c;
        do {
            c = (char) (0x800 + random.nextInt(0x10000 - 0x800));
        } while (Character.isSurrogate(c));
        return c;
    }

    /** A high or low surrogate on its own, or a pair in the wrong order. */
    private String loneSurrogate() {
        char high = (char) (Character.MIN_HIGH_SURROGATE + random.nextInt(0x400));
        char low = (char) (Character.MIN_LOW_SURROGATE + random.nextInt(0x400));
        return switch (random.nextInt(3)) {
            case 0 -> high + "x";
            case 1 -> String.valueOf(low);
            default -> "" + low + high + "y";
        };
    }

    private byte[] longBytes() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return bytes;
    }
}
