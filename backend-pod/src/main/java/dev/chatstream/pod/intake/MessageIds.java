package dev.chatstream.pod.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Message ids and the hashes that bind an {@code Idempotency-Key} to its use. With a key the message id is
 * the key itself (the chat page and other clients know their ids before any answer arrives); the key is
 * bound to the user and session that used it first ({@link #scope}), so nobody else can reuse or aim it.
 * Without a key the server makes a time-ordered random id (a UUIDv7, RFC 9562: 48 bits of epoch
 * milliseconds, then 74 random bits), so a pod that never saw the message can tell from its id when it was
 * accepted and start a replay of its history near it.
 */
public final class MessageIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private MessageIds() {
    }

    /** A new UUIDv7 for a message accepted now. */
    public static String random() {
        return v7(System.currentTimeMillis());
    }

    static String v7(long epochMillis) {
        long random = RANDOM.nextLong();
        long high = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (RANDOM.nextInt() & 0x0FFF);
        long low = random & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }

    /**
     * The time in a UUIDv7 message id, or null when the id is not one (a client's own {@code Idempotency-Key}
     * usually is not; one that is can say any time, so callers check the key's record first).
     */
    public static Instant timeOf(String messageId) {
        if (messageId == null || messageId.length() != 36 || messageId.charAt(14) != '7') {
            return null;
        }
        try {
            UUID id = UUID.fromString(messageId);
            if (id.version() != 7 || id.variant() != 2) {
                return null;
            }
            return Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16);
        } catch (IllegalArgumentException e) {
            return null;
        }
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
