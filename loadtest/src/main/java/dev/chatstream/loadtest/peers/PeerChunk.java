package dev.chatstream.loadtest.peers;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;

import java.time.Instant;

/**
 * One chunk as the driver publishes it to every server: the same ResponseChunk JSON (its
 * {@code timestamp} is the moment it was built, which the readers measure delivery latency from), the
 * channel (our session id, Pushpin's and Nchan's channel name) and its position.
 */
record PeerChunk(String channel, String messageId, int chunkId, boolean last, long publishedAtEpochNanos, byte[] json) {

    private static final MessageCodec CODEC = MessageCodec.standard();

    /** The name of channel {@code index}: also a valid session id (one subject token). */
    static String channelName(int index) {
        return "peer-" + index;
    }

    /** The message id of answer {@code answer}: the readers read the number back ({@link ChunkPosition}). */
    static String messageId(long answer) {
        return "a" + answer;
    }

    static PeerChunk of(PacedAnswers.Token token, long epochNanos) {
        String channel = channelName(token.channel());
        String messageId = messageId(token.answer());
        Instant at = Instant.ofEpochSecond(0, epochNanos);
        // A short content token, like a model's; the last chunk is a final one with no text, as ours end.
        ResponseChunk chunk = token.last()
                ? ResponseChunk.finalChunk(channel, messageId, token.chunkId(),
                        new ChunkMetadata("peer", token.chunkId(), FinishReason.STOP), null, at)
                : ResponseChunk.content(channel, messageId, token.chunkId(), " token", null, at);
        return new PeerChunk(channel, messageId, token.chunkId(), token.last(), epochNanos, CODEC.encode(chunk));
    }
}
