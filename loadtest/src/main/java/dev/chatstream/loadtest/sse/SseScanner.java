package dev.chatstream.loadtest.sse;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.Arrays;

/**
 * Incremental {@code text/event-stream} parser (WHATWG rules) over bytes, without allocating per
 * event: feed it the response body as it arrives, in any slicing, and it hands every complete
 * event to the handler as one reused {@link SseFrame}. Comment lines ({@code :keep-alive}) and
 * blocks without data are skipped; {@code \n}, {@code \r\n} and {@code \r} all end a line; one
 * space after the colon is dropped; {@code retry} and unknown fields are ignored; the id does
 * not carry over to the next event. Lines are scanned where they lie in the read; only a line
 * split across reads is gathered first; id, event and data are copied into the reused frame, so
 * nothing keeps a reference to the caller's bytes after {@code feed} returns.
 * Not thread-safe: one per connection, used on that connection's event loop.
 */
public final class SseScanner {

    /** Receives each complete event; the frame is reused after the call returns. */
    @FunctionalInterface
    public interface Handler {
        void onFrame(SseFrame frame);
    }

    private final Handler handler;
    private final SseFrame frame = new SseFrame();
    private byte[] read = new byte[8192];
    private byte[] partial = new byte[256];
    private int partialLength;
    private boolean lastWasCr;

    public SseScanner(Handler handler) {
        this.handler = handler;
    }

    /**
     * Feeds bytes of the body. A heap buffer (what Vert.x hands to response handlers: it copies
     * each read into one) is scanned in its backing array; anything else is copied once.
     */
    public void feed(Buffer buffer) {
        if (buffer instanceof BufferInternal internal) {
            ByteBuf bytes = internal.getByteBuf();
            if (bytes.hasArray()) {
                feed(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
                return;
            }
        }
        int length = buffer.length();
        if (read.length < length) {
            read = new byte[Math.max(length, read.length * 2)];
        }
        buffer.getBytes(0, length, read, 0);
        feed(read, 0, length);
    }

    /** Feeds {@code length} bytes of the body from {@code bytes} at {@code offset}. */
    public void feed(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        if (lastWasCr && i < end) {
            lastWasCr = false;
            if (bytes[i] == '\n') {
                i++;
            }
        }
        while (i < end) {
            int eol = i;
            while (eol < end && (bytes[eol] > '\r' || bytes[eol] != '\n' && bytes[eol] != '\r')) {
                eol++;
            }
            if (eol == end) {
                keep(bytes, i, end - i);
                return;
            }
            if (partialLength > 0) {
                keep(bytes, i, eol - i);
                line(partial, 0, partialLength);
                partialLength = 0;
            } else {
                line(bytes, i, eol - i);
            }
            if (bytes[eol] == '\r') {
                if (eol + 1 == end) {
                    lastWasCr = true;
                } else if (bytes[eol + 1] == '\n') {
                    eol++;
                }
            }
            i = eol + 1;
        }
    }

    private void keep(byte[] bytes, int offset, int length) {
        if (partialLength + length > partial.length) {
            partial = Arrays.copyOf(partial, Math.max(partialLength + length, partial.length * 2));
        }
        System.arraycopy(bytes, offset, partial, partialLength, length);
        partialLength += length;
    }

    private void line(byte[] bytes, int offset, int length) {
        if (length == 0) {
            dispatch();
            return;
        }
        if (bytes[offset] == ':') {
            return;
        }
        int end = offset + length;
        int colon = offset;
        while (colon < end && bytes[colon] != ':') {
            colon++;
        }
        int nameLength = colon - offset;
        int value = colon < end ? colon + 1 : end;
        if (value < end && bytes[value] == ' ') {
            value++;
        }
        if (nameLength == 4 && bytes[offset] == 'd' && bytes[offset + 1] == 'a' && bytes[offset + 2] == 't'
                && bytes[offset + 3] == 'a') {
            frame.appendData(bytes, value, end - value);
        } else if (nameLength == 2 && bytes[offset] == 'i' && bytes[offset + 1] == 'd') {
            frame.setId(bytes, value, end - value);
        } else if (nameLength == 5 && bytes[offset] == 'e' && bytes[offset + 1] == 'v' && bytes[offset + 2] == 'e'
                && bytes[offset + 3] == 'n' && bytes[offset + 4] == 't') {
            frame.setEvent(bytes, value, end - value);
        }
    }

    private void dispatch() {
        if (frame.hasData()) {
            handler.onFrame(frame);
        }
        frame.reset();
    }
}
