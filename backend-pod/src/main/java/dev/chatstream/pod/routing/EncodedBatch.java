package dev.chatstream.pod.routing;

import io.vertx.core.buffer.Buffer;

/** A batch in one wire flavour, one event per chunk. */
public interface EncodedBatch {

    /** The encoder that made it. */
    BatchEncoder encoder();

    /** The bytes of the events from chunk index {@code from} (0-based in the batch) to the end. */
    Buffer from(int from);
}
