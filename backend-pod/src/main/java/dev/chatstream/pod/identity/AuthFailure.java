package dev.chatstream.pod.identity;

/**
 * Why a request has no identity: no credential at all, or one that does not verify. The message is safe to
 * show the caller; it never contains the token.
 */
public final class AuthFailure extends RuntimeException {
    private final boolean credentialPresented;

    private AuthFailure(String message, boolean credentialPresented) {
        super(message, null, false, false);
        this.credentialPresented = credentialPresented;
    }

    /** No token anywhere the mode looks. */
    public static AuthFailure missing() {
        return new AuthFailure("a bearer token is required (Authorization header, chat_token cookie or access_token)", false);
    }

    /** A token was sent but is malformed, expired, not yet valid, for another audience or wrongly signed. */
    public static AuthFailure invalid(String why) {
        return new AuthFailure("the token is not valid: " + why, true);
    }

    /** {@code missing} or {@code invalid_token}: the metric tag. */
    public String reason() {
        return credentialPresented ? "invalid_token" : "missing";
    }

    /**
     * The {@code WWW-Authenticate} challenge of RFC 6750 §3: bare when no credential came, with
     * {@code error="invalid_token"} when one did.
     */
    public String challenge() {
        return credentialPresented ? "Bearer error=\"invalid_token\"" : "Bearer";
    }
}
