package dev.chatstream.browser;

import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * What the workflow service's {@code demo} provider streams: token {@code i} is word {@code i} (cyclic) of
 * this Markdown text with the whitespace after it; the default 64 tokens are the text once. Kept here as
 * the expected answer, independent of the services.
 */
final class DemoText {
    static final String TEXT = """
            ## A demo answer

            It streams one token at a time, like a model would.

            - every token goes from the worker through NATS
            - to each pod and on to the browser
            - in order, each exactly once

            ```js
            for await (const token of answer) {
              print(token);
            }
            ```

            Set `max_tokens` for a shorter or longer answer; past the end it starts over.

            """;
    private static final String[] TOKENS = Pattern.compile("\\S+\\s+").matcher(TEXT).results()
            .map(MatchResult::group).toArray(String[]::new);
    /** The demo provider's answer length when the request names no {@code max_tokens}. */
    static final int DEFAULT_TOKENS = 64;

    private DemoText() {
    }

    static String answer(int tokens) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < tokens; i++) {
            text.append(TOKENS[i % TOKENS.length]);
        }
        return text.toString();
    }
}
