package dev.chatstream.worker.provider;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a provider streams; {@link #end()} completes with a Completion or a ProviderFailure. */
final class CollectingSink implements TokenSink {
    final List<String> tokens = new CopyOnWriteArrayList<>();
    final CompletableFuture<Object> end = new CompletableFuture<>();
    final AtomicInteger ends = new AtomicInteger();

    @Override
    public void onToken(String text) {
        if (end.isDone()) {
            throw new AssertionError("token after the end: " + text);
        }
        tokens.add(text);
    }

    @Override
    public void onComplete(Completion completion) {
        ends.incrementAndGet();
        end.complete(completion);
    }

    @Override
    public void onFailure(ProviderFailure failure) {
        ends.incrementAndGet();
        end.complete(failure);
    }

    Object end() throws Exception {
        return end.get(10, TimeUnit.SECONDS);
    }

    ProviderFailure failure() throws Exception {
        Object result = end();
        if (!(result instanceof ProviderFailure failure)) {
            throw new AssertionError("expected a failure, got " + result);
        }
        return failure;
    }

    Completion completion() throws Exception {
        Object result = end();
        if (!(result instanceof Completion completion)) {
            throw new AssertionError("expected a completion, got " + result);
        }
        return completion;
    }

    String text() {
        return String.join("", tokens);
    }
}
