package dev.chatstream.worker.provider;

/** A running generation. */
@FunctionalInterface
public interface Generation {

    /** Stops generating and releases its resources; the sink hears nothing more. Idempotent. */
    void cancel();
}
