package dev.chatstream.pod.resume;

/**
 * Which answer of a session is streaming now, as stored history shows it: the message of the session's newest
 * history batch, unless that batch holds its final chunk. The NATS side reads {@code CHAT_HISTORY}.
 */
public interface StreamingAnswer {

    /** The message id of the answer streaming in {@code sessionId}, or null when none. Blocking. */
    String of(String sessionId) throws Exception;
}
