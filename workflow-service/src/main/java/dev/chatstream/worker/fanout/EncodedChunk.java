package dev.chatstream.worker.fanout;

/** One chunk's compact JSON, encoded once and shared by the live and the history batches. */
record EncodedChunk(long chunkId, byte[] json, boolean isFinal) {
}
