package dev.chatstream.pod.http;

import dev.chatstream.subjects.InvalidTokenException;
import dev.chatstream.subjects.SubjectToken;

/** Error texts for ids that cannot be a subject token. */
public final class SessionIds {
    private SessionIds() {
    }

    /** Why {@code value} is not a token, starting with {@code what}; never echoes the raw value. */
    public static String problem(String value, String what) {
        try {
            SubjectToken.require(value, what);
            return what + " is invalid";
        } catch (InvalidTokenException e) {
            return e.getMessage();
        }
    }
}
