package dev.chatstream.loadtest.auth;

/** How the generator proves who it is to the pods ({@code --auth}). */
public enum AuthMode {
    /** Ask {@code GET /api/me} once: a guest cookie means guest, a 401 means jwt, anything else none. */
    AUTO,
    /** Send no credentials (pods in {@code AUTH_MODE=none}). */
    NONE,
    /** One guest identity per session, each from its own {@code GET /api/me} ({@code chat_guest} cookie). */
    GUEST,
    /** One HS256 token per session, minted with {@code --jwt-secret} (the pods' {@code AUTH_JWT_SECRET}). */
    JWT;

    public static AuthMode parse(String text) {
        return switch (text) {
            case "auto" -> AUTO;
            case "none" -> NONE;
            case "guest" -> GUEST;
            case "jwt" -> JWT;
            default -> throw new IllegalArgumentException("auth: expected auto, none, guest or jwt, was " + text);
        };
    }
}
