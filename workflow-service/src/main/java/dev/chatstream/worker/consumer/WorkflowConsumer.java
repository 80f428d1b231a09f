package dev.chatstream.worker.consumer;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.streams.ScanStart;
import dev.chatstream.streams.StreamSettings;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.worker.config.ConsumerSettings;
import dev.chatstream.worker.fanout.ChunkTransport;
import dev.chatstream.worker.metrics.WorkerMetrics;
import dev.chatstream.worker.provider.ProviderCatalog;
import dev.chatstream.worker.provider.ProviderPolicy;
import dev.chatstream.worker.registry.AnswerLedger;
import dev.chatstream.worker.registry.SessionRoutes;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes requests from {@code WORKFLOW_REQUESTS} through the shared durable pull consumer and answers
 * each on one of the given event-loop contexts (round robin), at most {@code WORKER_CONCURRENCY} at
 * once; listens to cancels. {@link #shutdown} stops pulling at once, lets in-flight answers finish
 * within the timeout and hands the rest back (nak) so another worker takes them.
 */
public final class WorkflowConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(WorkflowConsumer.class);

    private final AnswerServices services;
    private final List<Context> contexts;
    private final AtomicInteger next = new AtomicInteger();
    private final Connection connection;
    private final JetStreamSubscription subscription;
    private final Dispatcher cancelDispatcher;
    private final RequestFetcher fetcher;
    private volatile boolean draining;

    private WorkflowConsumer(AnswerServices services, List<Context> contexts, Connection connection,
                             JetStreamSubscription subscription, Dispatcher cancelDispatcher, ConsumerSettings settings) {
        this.services = services;
        this.contexts = List.copyOf(contexts);
        this.connection = connection;
        this.subscription = subscription;
        this.cancelDispatcher = cancelDispatcher;
        this.fetcher = new RequestFetcher(connection, subscription, services.slots(), settings.fetchMaxWait(), this::dispatch,
                "workflow-fetcher-" + settings.workerId());
    }

    /** Binds to the {@code workflow-workers} consumer (which must exist) and starts pulling. */
    public static WorkflowConsumer start(Vertx vertx, List<Context> contexts, Connection connection, JetStream jetStream,
                                         JetStreamManagement management, ChunkTransport transport, ProviderCatalog providers,
                                         ProviderPolicy policy, AnswerLedger ledger, SessionRoutes routes, WorkerMetrics metrics, OpenTelemetry openTelemetry,
                                         ConsumerSettings settings, StreamSettings streams, Clock clock)
            throws IOException, JetStreamApiException, InterruptedException, java.util.concurrent.TimeoutException {
        MessageCodec codec = MessageCodec.standard();
        ActiveAnswers answers = new ActiveAnswers();
        AnswerServices services = new AnswerServices(vertx, connection, codec, transport, providers, policy, routes,
                new HistoryReader(jetStream, management, ScanStart.CLOCK_MARGIN),
                new Conversations(vertx, jetStream, management, codec, policy.maxHistoryTurns()),
                AnsweredMarkers.open(connection, streams, settings.answeredTtl()),
                new DeadLetters(jetStream, settings.workerId()),
                new SessionTurns(vertx, new RequestsAhead(management), connection, codec, settings.answerLimits().maxDuration(),
                        metrics.turnCheckCounter()),
                answers, ledger,
                new Slots(settings.concurrency()), metrics, new Tracing(openTelemetry, metrics.registry()), settings, streams.ackWait(),
                streams.maxDeliver(), clock);
        metrics.gaugeActive(answers::size);
        metrics.gaugeQueued(services.turns()::waiting);
        Dispatcher cancels = connection.createDispatcher();
        cancels.subscribe(Subjects.WORKFLOW_CANCEL_ALL, new CancelListener(connection, codec, answers, metrics));
        JetStreamSubscription subscription = jetStream.subscribe(Subjects.WORKFLOW_EXECUTE_ALL,
                PullSubscribeOptions.bind(StreamDefinitions.WORKFLOW_REQUESTS, StreamDefinitions.WORKFLOW_WORKERS));
        connection.flush(Duration.ofSeconds(5));
        WorkflowConsumer consumer = new WorkflowConsumer(services, contexts, connection, subscription, cancels, settings);
        consumer.fetcher.start();
        return consumer;
    }

    private void dispatch(Message msg) {
        services.metrics().received("request");
        Context context = contexts.get(Math.floorMod(next.getAndIncrement(), contexts.size()));
        context.runOnContext(v -> new Intake(services, msg, context).start());
    }

    /** Answers streaming now. */
    public int active() {
        return services.answers().size();
    }

    public int concurrency() {
        return services.slots().capacity();
    }

    public boolean draining() {
        return draining;
    }

    /**
     * Stops pulling at once, waits up to {@code timeout} for in-flight answers, naks the rest. Blocking.
     */
    public void shutdown(Duration timeout) throws InterruptedException {
        draining = true;
        fetcher.stop();
        // Requests waiting for an earlier answer of their session have streamed nothing: another worker takes them now.
        services.turns().handBackWaiting();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (services.slots().used() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<Answer> left = services.answers().snapshot();
        if (!left.isEmpty()) {
            LOG.warn("shutdown: handing {} unfinished answers back to the stream", left.size());
            for (Answer answer : left) {
                answer.context().runOnContext(v -> answer.abandon());
            }
            long handBack = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (services.slots().used() > 0 && System.nanoTime() < handBack) {
                Thread.sleep(10);
            }
        }
        fetcher.awaitStopped(Duration.ofSeconds(2));
        try {
            cancelDispatcher.unsubscribe(Subjects.WORKFLOW_CANCEL_ALL);
            subscription.unsubscribe();
        } catch (RuntimeException e) {
            LOG.debug("unsubscribe during shutdown failed: {}", e.toString());
        }
    }
}
