package dev.chatstream.codec;

import dev.chatstream.schemas.ChunkError;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.ChunkType;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;

import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link ResponseChunk} as the exact bytes {@link MessageCodec}'s Jackson mapper writes for it,
 * without Jackson: workers encode every chunk of every answer, and Jackson's generic path (property
 * lookup, generator, {@code Instant} formatter) was their top CPU cost.
 *
 * <p>Two passes: the first measures the output, the second fills a {@code byte[]} of exactly that size,
 * so nothing is copied or trimmed. Strings are escaped as Jackson does: {@code \" \\ \b \f \n \r \t},
 * other control characters as upper-case <code>&#92;u00XX</code>, everything else as UTF-8, a surrogate pair as
 * one 4-byte sequence and a lone surrogate (which has no UTF-8 form) as a <code>&#92;uXXXX</code> escape, so it
 * decodes back to the same Java string. Field order and omitted {@code null}s follow the record.
 */
final class ResponseChunkWriter {
    /** Per ASCII character: 0 written as is, a letter for a two-character escape, -1 for <code>&#92;u00XX</code>. */
    private static final byte[] ESCAPES = new byte[128];
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] SESSION_ID = ascii("{\"session_id\":\"");
    private static final byte[] MESSAGE_ID = ascii("\",\"message_id\":\"");
    private static final byte[] CHUNK_ID = ascii("\",\"chunk_id\":");
    private static final byte[] CHUNK = ascii(",\"chunk\":\"");
    /** {@code ","chunk_type":"<type>","is_final":<bool>} by chunk type ordinal, then 0 = false, 1 = true. */
    private static final byte[][][] TYPE_AND_FINAL = new byte[ChunkType.values().length][2][];
    private static final byte[] METADATA = ascii(",\"metadata\":{");
    private static final byte[] MODEL = ascii("\"model\":\"");
    private static final byte[] TOKENS_USED = ascii("\"tokens_used\":");
    private static final byte[] FINISH_REASON = ascii("\"finish_reason\":\"");
    private static final byte[][] FINISH_REASONS = new byte[FinishReason.values().length][];
    private static final byte[] ERROR_CODE = ascii(",\"error\":{\"code\":\"");
    private static final byte[] ERROR_MESSAGE = ascii("\",\"message\":\"");
    private static final byte[] TIMESTAMP = ascii(",\"timestamp\":\"");
    private static final byte[] CORRELATION_ID = ascii(",\"correlation_id\":\"");

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['\b'] = 'b';
        ESCAPES['\f'] = 'f';
        ESCAPES['\n'] = 'n';
        ESCAPES['\r'] = 'r';
        ESCAPES['\t'] = 't';
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        for (ChunkType type : ChunkType.values()) {
            for (int fin = 0; fin < 2; fin++) {
                TYPE_AND_FINAL[type.ordinal()][fin] = ascii("\",\"chunk_type\":\"" + type.wireName()
                        + "\",\"is_final\":" + (fin == 1));
            }
        }
        for (FinishReason reason : FinishReason.values()) {
            FINISH_REASONS[reason.ordinal()] = ascii(reason.wireName());
        }
    }

    private ResponseChunkWriter() {
    }

    static byte[] write(ResponseChunk chunk) {
        ChunkMetadata metadata = chunk.metadata();
        ChunkError error = chunk.error();
        String correlationId = chunk.correlationId();
        byte[] typeAndFinal = TYPE_AND_FINAL[chunk.chunkType().ordinal()][chunk.isFinal() ? 1 : 0];

        // Measure.
        int sessionLength = escapedLength(chunk.sessionId());
        int messageLength = escapedLength(chunk.messageId());
        int textLength = escapedLength(chunk.chunk());
        int size = SESSION_ID.length + sessionLength + MESSAGE_ID.length + messageLength
                + CHUNK_ID.length + digits(chunk.chunkId()) + CHUNK.length + textLength + typeAndFinal.length
                + TIMESTAMP.length + Timestamps.length(chunk.timestamp()) + 2;
        int modelLength = 0;
        if (metadata != null) {
            size += metadataLength(metadata, modelLength = metadata.model() == null ? 0 : escapedLength(metadata.model()));
        }
        int codeLength = 0;
        int errorMessageLength = 0;
        if (error != null) {
            codeLength = escapedLength(error.code());
            errorMessageLength = escapedLength(error.message());
            size += ERROR_CODE.length + codeLength + ERROR_MESSAGE.length + errorMessageLength + 2;
        }
        int correlationLength = 0;
        if (correlationId != null) {
            correlationLength = escapedLength(correlationId);
            size += CORRELATION_ID.length + correlationLength + 1;
        }

        // Write.
        byte[] out = new byte[size];
        int p = put(SESSION_ID, out, 0);
        p = string(chunk.sessionId(), sessionLength, out, p);
        p = put(MESSAGE_ID, out, p);
        p = string(chunk.messageId(), messageLength, out, p);
        p = put(CHUNK_ID, out, p);
        p = number(chunk.chunkId(), out, p);
        p = put(CHUNK, out, p);
        p = string(chunk.chunk(), textLength, out, p);
        p = put(typeAndFinal, out, p);
        if (metadata != null) {
            p = metadata(metadata, modelLength, out, p);
        }
        if (error != null) {
            p = put(ERROR_CODE, out, p);
            p = string(error.code(), codeLength, out, p);
            p = put(ERROR_MESSAGE, out, p);
            p = string(error.message(), errorMessageLength, out, p);
            out[p++] = '"';
            out[p++] = '}';
        }
        p = put(TIMESTAMP, out, p);
        p = Timestamps.write(chunk.timestamp(), out, p);
        out[p++] = '"';
        if (correlationId != null) {
            p = put(CORRELATION_ID, out, p);
            p = string(correlationId, correlationLength, out, p);
            out[p++] = '"';
        }
        out[p++] = '}';
        assert p == size : "measured " + size + " bytes, wrote " + p;
        return out;
    }

    private static int metadataLength(ChunkMetadata metadata, int modelLength) {
        int size = METADATA.length + 1;
        int fields = 0;
        if (metadata.model() != null) {
            size += MODEL.length + modelLength + 1;
            fields++;
        }
        if (metadata.tokensUsed() != null) {
            size += TOKENS_USED.length + digits(metadata.tokensUsed());
            fields++;
        }
        if (metadata.finishReason() != null) {
            size += FINISH_REASON.length + FINISH_REASONS[metadata.finishReason().ordinal()].length + 1;
            fields++;
        }
        return size + Math.max(0, fields - 1);
    }

    private static int metadata(ChunkMetadata metadata, int modelLength, byte[] out, int p) {
        p = put(METADATA, out, p);
        boolean first = true;
        if (metadata.model() != null) {
            p = put(MODEL, out, p);
            p = string(metadata.model(), modelLength, out, p);
            out[p++] = '"';
            first = false;
        }
        if (metadata.tokensUsed() != null) {
            if (!first) {
                out[p++] = ',';
            }
            p = put(TOKENS_USED, out, p);
            p = number(metadata.tokensUsed(), out, p);
            first = false;
        }
        if (metadata.finishReason() != null) {
            if (!first) {
                out[p++] = ',';
            }
            p = put(FINISH_REASON, out, p);
            p = put(FINISH_REASONS[metadata.finishReason().ordinal()], out, p);
            out[p++] = '"';
        }
        out[p++] = '}';
        return p;
    }

    /**
     * Bytes {@code s} takes once escaped. Equal to {@code s.length()} exactly when every character is
     * ASCII written as is: escapes and multi-byte sequences only ever add bytes.
     */
    static int escapedLength(String s) {
        int n = s.length();
        int length = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                int escape = ESCAPES[c];
                if (escape != 0) {
                    length += escape > 0 ? 1 : 5;
                }
            } else if (c < 0x800) {
                length += 1;
            } else if (!Character.isSurrogate(c)) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 2;
                i++;
            } else {
                length += 5;
            }
        }
        return length;
    }

    /** Writes {@code s} (whose {@link #escapedLength} is {@code length}) without its quotes. */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) is a plain array copy for Latin-1 strings
    private static int string(String s, int length, byte[] out, int p) {
        int n = s.length();
        if (length == n) {
            s.getBytes(0, n, out, p);
            return p + n;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                int escape = ESCAPES[c];
                if (escape == 0) {
                    out[p++] = (byte) c;
                } else if (escape > 0) {
                    out[p++] = '\\';
                    out[p++] = (byte) escape;
                } else {
                    p = unicodeEscape(c, out, p);
                }
            } else if (c < 0x800) {
                out[p++] = (byte) (0xC0 | (c >> 6));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                out[p++] = (byte) (0xE0 | (c >> 12));
                out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, s.charAt(++i));
                out[p++] = (byte) (0xF0 | (codePoint >> 18));
                out[p++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
                out[p++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (codePoint & 0x3F));
            } else {
                p = unicodeEscape(c, out, p);
            }
        }
        return p;
    }

    private static int unicodeEscape(char c, byte[] out, int p) {
        out[p++] = '\\';
        out[p++] = 'u';
        out[p++] = HEX[c >> 12];
        out[p++] = HEX[(c >> 8) & 0xF];
        out[p++] = HEX[(c >> 4) & 0xF];
        out[p++] = HEX[c & 0xF];
        return p;
    }

    /** Decimal digits of {@code value >= 0}. */
    static int digits(long value) {
        int digits = 1;
        while (value >= 10) {
            value /= 10;
            digits++;
        }
        return digits;
    }

    /** Writes {@code value >= 0} in decimal. */
    private static int number(long value, byte[] out, int p) {
        int end = p + digits(value);
        int i = end;
        do {
            out[--i] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        return end;
    }

    private static int put(byte[] bytes, byte[] out, int p) {
        System.arraycopy(bytes, 0, out, p, bytes.length);
        return p + bytes.length;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
