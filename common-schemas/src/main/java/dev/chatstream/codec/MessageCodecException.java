package dev.chatstream.codec;

/**
 * A message could not be decoded: malformed JSON, a missing required field, a wrong type, a value out
 * of range, or too many bytes. {@link #field()} names the offending field ({@code context.max_tokens})
 * when there is one.
 */
public final class MessageCodecException extends RuntimeException {
    private final String field;

    MessageCodecException(String field, String message, Throwable cause) {
        super(field == null ? message : field + ": " + message, cause);
        this.field = field;
    }

    /** The dotted path of the offending field, or {@code null} when the message as a whole is wrong. */
    public String field() {
        return field;
    }
}
