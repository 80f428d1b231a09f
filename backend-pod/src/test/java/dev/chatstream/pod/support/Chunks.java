package dev.chatstream.pod.support;

import java.util.List;
import java.util.stream.IntStream;

/** The chunk texts tests publish and the SSE ids ({@code message:chunk}) they expect back. */
public final class Chunks {

    private Chunks() {
    }

    /** {@code count} texts {@code t0, t1, ...}: one per chunk of a batch. */
    public static List<String> texts(int count) {
        return IntStream.range(0, count).mapToObj(i -> "t" + i).toList();
    }

    /** The event ids of chunks {@code from..toInclusive} of {@code message}. */
    public static List<String> ids(String message, int from, int toInclusive) {
        return IntStream.rangeClosed(from, toInclusive).mapToObj(i -> message + ":" + i).toList();
    }
}
