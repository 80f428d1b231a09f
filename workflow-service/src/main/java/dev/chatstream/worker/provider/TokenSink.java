package dev.chatstream.worker.provider;

/** Receives a streaming answer. Exactly one of {@link #onComplete} or {@link #onFailure} ends it. */
public interface TokenSink {

    /** A piece of text, in order. */
    void onToken(String text);

    /** The answer ended normally. */
    void onComplete(Completion completion);

    /** The answer failed; the message ends with an {@code error} chunk carrying {@code failure}. */
    void onFailure(ProviderFailure failure);
}
