package dev.chatstream.pod.routing;

/**
 * Turns a {@link Batch} into one wire flavour's bytes. Each flavour is one encoder in the transport
 * ({@code sse}); routing and resume only ask for the events from some index on.
 */
public interface BatchEncoder {
    EncodedBatch encode(Batch batch);
}
