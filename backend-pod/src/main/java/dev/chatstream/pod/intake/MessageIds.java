package dev.chatstream.pod.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Message ids. With an {@code Idempotency-Key} the id is derived from user, session and key, so the same key
 * from another user or in another session is another message, and nobody can aim a key at someone else's
 * message; the result is a valid subject token ({@code k-} + 43 base64url characters). Without a key the
 * server makes a random id.
 */
public final class MessageIds {
    private MessageIds() {
    }

    public static String random() {
        return UUID.randomUUID().toString();
    }

    /** The id of {@code key} sent by {@code userId} (null when anonymous) to {@code sessionId}. */
    public static String derived(String userId, String sessionId, String key) {
        MessageDigest digest = sha256();
        // Length-prefixed fields: no two different triples hash the same input.
        for (String part : new String[]{userId == null ? "" : userId, sessionId, key}) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            digest.update((byte) (bytes.length >>> 8));
            digest.update((byte) bytes.length);
            digest.update(bytes);
        }
        return "k-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
    }

    /** The hex SHA-256 of a request body, to tell a retry from a reuse of the key. */
    public static String bodyHash(byte[] body) {
        return HexFormat.of().formatHex(sha256().digest(body));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
