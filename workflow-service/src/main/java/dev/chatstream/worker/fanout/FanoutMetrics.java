package dev.chatstream.worker.fanout;

/** What the fan-out reports; {@link #NONE} when nobody listens. */
public interface FanoutMetrics {
    FanoutMetrics NONE = new FanoutMetrics() {
    };

    /** {@code chunks} chunks went out live to {@code destinations} subjects in one batch. */
    default void livePublished(int chunks, int destinations) {
    }

    /** A history batch of {@code chunks} chunks was acknowledged by JetStream. */
    default void historyPublished(int chunks) {
    }

    /** A history publish failed and will be retried ({@code willRetry}) or not. */
    default void historyFailed(boolean willRetry) {
    }
}
