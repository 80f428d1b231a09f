package dev.chatstream.pod.sse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatstream.codec.MessageCodec;
import dev.chatstream.pod.routing.Batch;
import dev.chatstream.pod.routing.BatchEncoder;
import dev.chatstream.pod.routing.EncodedBatch;
import dev.chatstream.schemas.ChunkType;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.wire.ChunkBatch;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * The AI SDK flavour (UI message stream protocol v5, {@code x-vercel-ai-ui-message-stream: v1}) of one
 * answer: {@code data: <chunk JSON>} events with only v5 chunk types and fields (v5/v6 clients validate
 * them). Chunk 0 opens the message ({@code start{messageId}}, {@code start-step}, {@code text-start}); each
 * content chunk is a {@code text-delta}; the final chunk closes it with {@code text-end} and
 * {@code finish-step} + {@code finish}, {@code abort} (cancelled) or {@code error{errorText}}, then
 * {@code data: [DONE]}. Every event carries the native cursor {@code id: <message_id>:<chunk_id>}. Chunks
 * of other messages of the session encode to nothing: one response carries one answer. {@code system}
 * chunks (a restart notice) have no v5 counterpart and are left out. One instance per response (its message).
 */
final class UiMessageStreamEncoder implements BatchEncoder {
    /** The last event of an answer; {@link #endsStream} looks for it. */
    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final String TEXT_PART_ID = "text-0";
    private final MessageCodec codec = MessageCodec.standard();
    private final String messageId;

    UiMessageStreamEncoder(String messageId) {
        this.messageId = messageId;
    }

    /** Whether {@code bytes} end with the answer's last event: the response ends after them. */
    static boolean endsStream(Buffer bytes) {
        int length = bytes.length();
        if (length < DONE.length) {
            return false;
        }
        for (int i = 0; i < DONE.length; i++) {
            if (bytes.getByte(length - DONE.length + i) != DONE[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public EncodedBatch encode(Batch batch) {
        int[] offsets = new int[batch.count() + 1];
        if (!batch.messageId().equals(messageId)) {
            return new Events(this, Buffer.buffer(0), offsets, batch.count());
        }
        Buffer frames = Buffer.buffer(batch.body().length * 2);
        int count = ChunkBatch.forEach(batch.body(), (index, bytes, offset, length) -> {
            offsets[index] = frames.length();
            appendEvents(frames, codec.decode(bytes, offset, length, ResponseChunk.class));
        });
        offsets[count] = frames.length();
        return new Events(this, frames, offsets, count);
    }

    private void appendEvents(Buffer frames, ResponseChunk chunk) {
        String id = chunk.messageId() + ':' + chunk.chunkId();
        if (chunk.chunkId() == 0) {
            event(frames, id, part("start").put("messageId", chunk.messageId()));
            event(frames, id, part("start-step"));
            event(frames, id, part("text-start").put("id", TEXT_PART_ID));
        }
        if (chunk.chunkType() == ChunkType.SYSTEM) {
            return;
        }
        if (!chunk.chunk().isEmpty() && chunk.chunkType() != ChunkType.ERROR) {
            event(frames, id, part("text-delta").put("id", TEXT_PART_ID).put("delta", chunk.chunk()));
        }
        if (!chunk.isFinal() && chunk.chunkType() != ChunkType.ERROR) {
            return;
        }
        event(frames, id, part("text-end").put("id", TEXT_PART_ID));
        FinishReason reason = chunk.metadata() == null ? null : chunk.metadata().finishReason();
        if (chunk.chunkType() == ChunkType.ERROR || reason == FinishReason.ERROR) {
            String text = chunk.error() == null ? "the answer failed" : chunk.error().message();
            event(frames, id, part("error").put("errorText", text));
        } else if (reason == FinishReason.CANCELLED) {
            event(frames, id, part("abort"));
        } else {
            event(frames, id, part("finish-step"));
            event(frames, id, part("finish"));
        }
        frames.appendBytes(DONE);
    }

    private ObjectNode part(String type) {
        return codec.mapper().createObjectNode().put("type", type);
    }

    private void event(Buffer frames, String id, ObjectNode part) {
        frames.appendString("id: ").appendString(id).appendString("\ndata: ")
                .appendBytes(codec.encode(part)).appendString("\n\n");
    }

    private record Events(BatchEncoder encoder, Buffer frames, int[] offsets, int count) implements EncodedBatch {
        @Override
        public Buffer from(int from) {
            return from == 0 ? frames : frames.slice(offsets[from], offsets[count]);
        }
    }
}
