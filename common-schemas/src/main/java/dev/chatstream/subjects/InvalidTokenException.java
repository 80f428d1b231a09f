package dev.chatstream.subjects;

/** A session id, pod id or message id that cannot be a single NATS subject token. */
public final class InvalidTokenException extends IllegalArgumentException {
    private final String what;

    InvalidTokenException(String what, String reason) {
        super(what + " " + reason);
        this.what = what;
    }

    /** What was being validated, e.g. {@code session id}. */
    public String what() {
        return what;
    }
}
