package dev.chatstream.browser;

/**
 * What the workflow service's {@code demo} provider streams: token {@code i} is word {@code i} (cyclic)
 * of this text followed by a space. Kept here as the expected answer, independent of the services.
 */
final class DemoText {
    private static final String[] WORDS = ("The quick brown fox jumps over the lazy dog while a chat stream "
            + "carries every token from the worker through NATS to each pod and on to the browser in order")
            .split(" ");
    /** The demo provider's answer length when the request names no {@code max_tokens}. */
    static final int DEFAULT_TOKENS = 64;

    private DemoText() {
    }

    static String answer(int tokens) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < tokens; i++) {
            text.append(WORDS[i % WORDS.length]).append(' ');
        }
        return text.toString();
    }
}
