package dev.chatstream.codec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.chatstream.schemas.ResponseChunk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/**
 * The one JSON codec both services use for every message of the contract.
 *
 * <p>Unknown fields are ignored so that older readers accept newer writers. Types are strict: a
 * string where a number belongs (or the reverse) is rejected, as are missing required fields and
 * messages over {@link #maxBytes()}; the error names the field. Thread-safe.
 */
public final class MessageCodec {

    /** Default upper bound on an encoded message: NATS' default max payload. */
    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;

    private static final MessageCodec DEFAULT = new MessageCodec(DEFAULT_MAX_BYTES);

    private final ObjectMapper mapper;
    private final int maxBytes;

    public MessageCodec(int maxBytes) {
        if (maxBytes < 64) {
            throw new IllegalArgumentException("maxBytes must be >= 64, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.mapper = strictMapper();
    }

    /** A shared codec with {@link #DEFAULT_MAX_BYTES}. */
    public static MessageCodec standard() {
        return DEFAULT;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /**
     * Encodes a message to compact UTF-8 JSON on one line (no raw newline can appear in the output).
     * Characters outside the BMP are written as UTF-8; a lone surrogate, which has none, as a
     * <code>&#92;uXXXX</code> escape.
     */
    public byte[] encode(Object message) {
        if (message instanceof ResponseChunk chunk) {
            return encode(chunk);
        }
        try {
            return checkSize(mapper.writeValueAsBytes(message));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /**
     * Encodes a chunk to the same bytes as {@link #encode(Object)} would through the mapper, several
     * times faster: workers encode every chunk they stream (see {@link ResponseChunkWriter}).
     */
    public byte[] encode(ResponseChunk chunk) {
        return checkSize(ResponseChunkWriter.write(chunk));
    }

    private byte[] checkSize(byte[] bytes) {
        if (bytes.length > maxBytes) {
            throw new MessageCodecException(null,
                    "message is " + bytes.length + " bytes, over the limit of " + maxBytes, null);
        }
        return bytes;
    }

    /** Decodes {@code bytes} as a {@code type}, or throws {@link MessageCodecException} naming what is wrong. */
    public <T> T decode(byte[] bytes, Class<T> type) {
        return decode(bytes, 0, bytes.length, type);
    }

    /** Decodes a slice of {@code bytes}. */
    public <T> T decode(byte[] bytes, int offset, int length, Class<T> type) {
        if (length > maxBytes) {
            throw new MessageCodecException(null, "message is " + length + " bytes, over the limit of " + maxBytes, null);
        }
        if (length == 0) {
            throw new MessageCodecException(null, "message is empty", null);
        }
        try {
            T value = mapper.readValue(bytes, offset, length, type);
            if (value == null) {
                throw new MessageCodecException(null, "message is JSON null, expected an object", null);
            }
            return value;
        } catch (JacksonException e) {
            throw translate(e);
        } catch (IOException e) {
            throw new MessageCodecException(null, "unreadable message: " + e.getMessage(), e);
        }
    }

    /** The underlying mapper, configured like the codec; for code that needs trees (e.g. HTTP bodies). */
    public ObjectMapper mapper() {
        return mapper;
    }

    private static MessageCodecException translate(JacksonException e) {
        if (e instanceof JsonParseException) {
            return new MessageCodecException(null, "malformed JSON: " + e.getOriginalMessage(), e);
        }
        if (!(e instanceof JsonMappingException mapping)) {
            return new MessageCodecException(null, "malformed JSON: " + e.getOriginalMessage(), e);
        }
        String field = mapping.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            // Compact constructors throw "field: reason" or a bare NPE naming the field.
            Throwable cause = e.getCause();
            if (cause instanceof NullPointerException npe && npe.getMessage() != null) {
                return new MessageCodecException(join(field, npe.getMessage()), "required field is null", e);
            }
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            int colon = message.indexOf(": ");
            if (colon > 0 && message.substring(0, colon).matches("[a-z_]+")) {
                return new MessageCodecException(join(field, message.substring(0, colon)),
                        message.substring(colon + 2), e);
            }
            return new MessageCodecException(field.isEmpty() ? null : field, message, e);
        }
        if (e instanceof MismatchedInputException mismatched && mismatched.getMessage() != null
                && mismatched.getMessage().startsWith("Missing required creator property")) {
            String missing = between(mismatched.getOriginalMessage(), '\'', '\'');
            return new MessageCodecException(join(field, missing), "required field is missing", e);
        }
        if (e instanceof InvalidFormatException invalid) {
            return new MessageCodecException(emptyToNull(field),
                    "invalid value " + invalid.getValue() + " for " + simpleType(invalid.getTargetType()), e);
        }
        if (e instanceof MismatchedInputException mismatched) {
            if (mismatched.getTargetType() == null) {
                return new MessageCodecException(emptyToNull(field), "wrong type", e);
            }
            return new MessageCodecException(emptyToNull(field),
                    "wrong type, expected " + simpleType(mismatched.getTargetType()), e);
        }
        return new MessageCodecException(emptyToNull(field), e.getOriginalMessage(), e);
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "a boolean";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type == java.time.Instant.class) {
            return "an ISO 8601 timestamp";
        }
        return "an object";
    }

    private static String join(String path, String leaf) {
        if (path == null || path.isEmpty()) {
            return leaf;
        }
        if (leaf == null || path.endsWith(leaf)) {
            return path;
        }
        return path + "." + leaf;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String between(String s, char open, char close) {
        int a = s.indexOf(open);
        int b = a < 0 ? -1 : s.indexOf(close, a + 1);
        return a < 0 || b < 0 ? null : s.substring(a + 1, b);
    }

    private static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                // Emoji as 4 UTF-8 bytes rather than two escaped surrogates (12 bytes); lone surrogates stay escaped.
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        // Strings must be strings and numbers numbers: no silent "5" <-> 5 or 1 <-> true.
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Float)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Enum)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }
}
