package dev.chatstream.loadtest.peers;

import java.util.List;

/** Hands the chunks that fell due in one tick to a server, the way that server takes publishes. */
interface ChunkPublisher extends AutoCloseable {

    void publish(List<PeerChunk> due);

    /** Publishes the server refused or that failed (their chunks count as lost for the reader). */
    long failures();

    /**
     * The most publish requests that waited for their answer at once since the last call (0 where publishing
     * has no answer to wait for): a driver whose requests queue up would charge its own wait to the server.
     */
    default int maxInFlight() {
        return 0;
    }

    /** How publishing works, for the report. */
    String describe();

    @Override
    void close();
}
