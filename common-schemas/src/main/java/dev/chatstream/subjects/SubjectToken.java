package dev.chatstream.subjects;

/**
 * The one validator for values that become a NATS subject token: session ids, pod ids, message ids.
 * A token is 1 to 64 characters of {@code [A-Za-z0-9_-]}, so no {@code .}, {@code *}, {@code >},
 * whitespace, control or non-ASCII character can ever reach a subject.
 */
public final class SubjectToken {
    public static final int MAX_LENGTH = 64;

    private SubjectToken() {
    }

    /** Whether {@code value} is a valid token. */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isTokenChar(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns {@code value} when it is a valid token, else throws {@link InvalidTokenException} whose
     * message starts with {@code what} and says what is wrong (never echoing control characters).
     */
    public static String require(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new InvalidTokenException(what, "is empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidTokenException(what, "is " + value.length() + " characters long, the limit is " + MAX_LENGTH);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isTokenChar(c)) {
                String shown = c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
                throw new InvalidTokenException(what, "has " + shown + " at position " + i
                        + "; only letters, digits, '_' and '-' are allowed");
            }
        }
        return value;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
}
