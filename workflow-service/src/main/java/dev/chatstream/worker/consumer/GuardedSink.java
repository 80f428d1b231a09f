package dev.chatstream.worker.consumer;

import dev.chatstream.worker.provider.Completion;
import dev.chatstream.worker.provider.ProviderFailure;
import dev.chatstream.worker.provider.TokenSink;

import java.util.function.Consumer;

/**
 * Passes a provider's callbacks on and turns any exception thrown while handling one into a single
 * {@code onFault} call: a provider callback that throws (e.g. on data our code cannot take) must end
 * the answer, not leave it hanging with its lease renewed forever.
 */
final class GuardedSink implements TokenSink {
    private final TokenSink target;
    private final Consumer<RuntimeException> onFault;

    GuardedSink(TokenSink target, Consumer<RuntimeException> onFault) {
        this.target = target;
        this.onFault = onFault;
    }

    @Override
    public void onToken(String text) {
        try {
            target.onToken(text);
        } catch (RuntimeException e) {
            onFault.accept(e);
        }
    }

    @Override
    public void onComplete(Completion completion) {
        try {
            target.onComplete(completion);
        } catch (RuntimeException e) {
            onFault.accept(e);
        }
    }

    @Override
    public void onFailure(ProviderFailure failure) {
        try {
            target.onFailure(failure);
        } catch (RuntimeException e) {
            onFault.accept(e);
        }
    }
}
