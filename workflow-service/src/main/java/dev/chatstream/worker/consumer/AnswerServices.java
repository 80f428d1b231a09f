package dev.chatstream.worker.consumer;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.worker.config.ConsumerSettings;
import dev.chatstream.worker.fanout.ChunkTransport;
import dev.chatstream.worker.metrics.WorkerMetrics;
import dev.chatstream.worker.provider.ProviderCatalog;
import dev.chatstream.worker.provider.ProviderPolicy;
import dev.chatstream.worker.registry.AnswerLedger;
import dev.chatstream.worker.registry.SessionRoutes;
import io.nats.client.Connection;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.time.Duration;

/** What every {@link Intake} and {@link Answer} shares: built once by {@link WorkflowConsumer}. */
record AnswerServices(
        Vertx vertx,
        Connection connection,
        MessageCodec codec,
        ChunkTransport transport,
        ProviderCatalog providers,
        ProviderPolicy policy,
        SessionRoutes routes,
        HistoryReader history,
        Conversations conversations,
        AnsweredMarkers answered,
        DeadLetters deadLetters,
        SessionTurns turns,
        ActiveAnswers answers,
        AnswerLedger ledger,
        Slots slots,
        WorkerMetrics metrics,
        Tracing tracing,
        ConsumerSettings settings,
        Duration ackWait,
        int maxDeliver,
        Clock clock) {
}
