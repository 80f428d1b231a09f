package dev.chatstream.pod.nats;

/** NATS cannot take the publish now (disconnected, reconnecting, draining, or the ack did not come in time). */
public final class NatsUnavailableException extends RuntimeException {
    public NatsUnavailableException(String message) {
        super(message);
    }

    public NatsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
