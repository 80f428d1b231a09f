package dev.chatstream.pod.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Message ids and the hashes that bind an {@code Idempotency-Key} to its use. With a key the message id is
 * the key itself (the chat page and other clients know their ids before any answer arrives); the key is
 * bound to the user and session that used it first ({@link #scope}), so nobody else can reuse or aim it.
 * Without a key the server makes a random id.
 */
public final class MessageIds {
    private MessageIds() {
    }

    public static String random() {
        return UUID.randomUUID().toString();
    }

    /** Who used a key: a hash of user (empty when anonymous) and session, length-prefixed so no two pairs collide. */
    public static String scope(String userId, String sessionId) {
        MessageDigest digest = sha256();
        for (String part : new String[]{userId == null ? "" : userId, sessionId}) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            digest.update((byte) (bytes.length >>> 8));
            digest.update((byte) bytes.length);
            digest.update(bytes);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
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
