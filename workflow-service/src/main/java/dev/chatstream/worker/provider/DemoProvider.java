package dev.chatstream.worker.provider;

import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.WorkflowRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * The built-in provider: no network, deterministic text. It streams exactly {@code context.max_tokens}
 * tokens ({@link #DEFAULT_MAX_TOKENS} when absent), each one word of {@link #TEXT} with the whitespace that
 * follows it, {@code DEMO_TOKEN_DELAY_MS} apart, then completes with {@code finish_reason: stop} — the demo
 * answer is complete, not cut off. The text is a little Markdown (a heading, a list, a code block), so the
 * chat page shows what it does with a model's answer; its 64 tokens are one default answer, and a longer one
 * starts the text over. Paced answers share one timer per event-loop context ({@link DemoTicker}): no thread
 * and no timer per answer or per token.
 */
public final class DemoProvider implements AiProvider {
    public static final int DEFAULT_MAX_TOKENS = 64;
    public static final String MODEL = "demo";
    /** With no delay, tokens are emitted this many per event-loop turn, so other work still runs. */
    private static final int TOKENS_PER_TURN = 64;
    /** What the demo answers, cut into {@link #token tokens}: a word and the whitespace after it. */
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

    private final Vertx vertx;
    private final long delayMs;

    public DemoProvider(Vertx vertx, Duration tokenDelay) {
        this.vertx = vertx;
        this.delayMs = tokenDelay.toMillis();
    }

    @Override
    public String name() {
        return "demo";
    }

    /** The {@code index}-th token of the demo answer. */
    public static String token(int index) {
        return TOKENS[index % TOKENS.length];
    }

    @Override
    public Generation stream(WorkflowRequest request, TokenSink sink) {
        Integer requested = request.context().maxTokens();
        Context context = vertx.getOrCreateContext();
        Run run = new Run(requested == null ? DEFAULT_MAX_TOKENS : requested, sink,
                delayMs == 0 ? null : DemoTicker.of(vertx, context, delayMs));
        // The first token goes out on the next turn, the others DEMO_TOKEN_DELAY_MS apart.
        context.runOnContext(v -> run.emit());
        return run;
    }

    private final class Run implements Generation, DemoTicker.Due {
        private final int total;
        private final TokenSink sink;
        private final DemoTicker ticker;
        private int emitted;
        private boolean cancelled;

        Run(int total, TokenSink sink, DemoTicker ticker) {
            this.total = total;
            this.sink = sink;
            this.ticker = ticker;
        }

        @Override
        public void fire() {
            emit();
        }

        void next() {
            if (delayMs == 0) {
                // Emit a slice, then yield the event loop.
                for (int i = 0; i < TOKENS_PER_TURN && emitted < total && !cancelled; i++) {
                    sink.onToken(token(emitted++));
                }
                if (!cancelled && emitted < total) {
                    vertx.getOrCreateContext().runOnContext(v -> next());
                    return;
                }
                finish();
                return;
            }
            ticker.schedule(this);
        }

        void emit() {
            if (cancelled) {
                return;
            }
            if (delayMs == 0) {
                next();
                return;
            }
            sink.onToken(token(emitted++));
            if (emitted < total) {
                next();
            } else {
                finish();
            }
        }

        private void finish() {
            if (!cancelled) {
                cancelled = true;
                sink.onComplete(new Completion(FinishReason.STOP, total, MODEL));
            }
        }

        @Override
        public void cancel() {
            // A queued wake-up finds it cancelled and does nothing.
            cancelled = true;
        }
    }
}
