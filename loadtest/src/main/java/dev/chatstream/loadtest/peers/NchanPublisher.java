package dev.chatstream.loadtest.peers;

import io.vertx.core.Vertx;

import java.util.List;

/**
 * Nchan: one HTTP publish per chunk ({@code POST /pub/<channel>}, the chunk JSON as body) — Nchan's
 * publisher takes one message for one channel per request — pipelined over a few keep-alive connections,
 * each channel always on the same one so its chunks stay in order. Nchan frames the SSE event itself
 * ({@code event: chunk} from its configuration, its own event id).
 */
final class NchanPublisher implements ChunkPublisher {
    private static final int CONNECTIONS = 8;

    private final HttpLanes lanes;

    NchanPublisher(Vertx vertx, String host, int port) {
        this.lanes = HttpLanes.connect(vertx, host, port, CONNECTIONS);
    }

    @Override
    public void publish(List<PeerChunk> due) {
        for (PeerChunk chunk : due) {
            lanes.post(Math.floorMod(chunk.channel().hashCode(), lanes.size()), "/pub/" + chunk.channel(), chunk.json(),
                    "application/json");
        }
    }

    @Override
    public long failures() {
        return lanes.failures();
    }

    @Override
    public int maxInFlight() {
        return lanes.maxInFlight();
    }

    @Override
    public String describe() {
        return "HTTP POST /pub/<channel> per chunk, pipelined over " + CONNECTIONS + " keep-alive connections"
                + " (a channel always on the same one)";
    }

    @Override
    public void close() {
        lanes.close();
    }
}
