package dev.chatstream.worker.consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.chatstream.streams.JetStreamProvisioner;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.streams.StreamSettings;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RequestFetcher} against a real nats-server, on the real {@code workflow-workers} consumer,
 * with a counting dispatch in place of the answers.
 */
@Timeout(120)
class RequestFetcherTest {
    private static final Duration PULL_LIFETIME = Duration.ofMillis(50);

    private static NatsServer nats;
    private static Connection publisher;

    private final List<Connection> connections = new ArrayList<>();
    private final List<RequestFetcher> fetchers = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        nats = NatsServer.start();
        publisher = Nats.connect(new Options.Builder().server(nats.url()).build());
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @BeforeEach
    void freshStream() throws Exception {
        JetStreamManagement jsm = publisher.jetStreamManagement();
        try {
            jsm.deleteStream(StreamDefinitions.WORKFLOW_REQUESTS);
        } catch (JetStreamApiException notThere) {
            // first test
        }
        // File storage, so the requests survive a server restart.
        new JetStreamProvisioner(jsm).apply(StreamSettings.defaults());
    }

    @AfterEach
    void stopFetchers() throws Exception {
        for (RequestFetcher fetcher : fetchers) {
            fetcher.stop();
            fetcher.awaitStopped(Duration.ofSeconds(2));
        }
        for (Connection connection : connections) {
            connection.close();
        }
    }

    @Test
    @DisplayName("takes every request, whenever it is published within the pull cycle, exactly once")
    void takesRequestsPublishedAtAnyMoment() throws Exception {
        Counting worker = new Counting(true);
        startFetcher(new Slots(8), worker);
        Random random = new Random(42);
        List<String> published = new ArrayList<>();
        // 60 requests spread at random over about 20 pull lifetimes, so some land on every phase of
        // a pull: just after it was sent, in the middle, around its expiry and its replacement.
        for (int i = 0; i < 60; i++) {
            Thread.sleep(random.nextInt((int) PULL_LIFETIME.toMillis() / 3));
            published.add(publish("r" + i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.ids().size() == published.size());
        assertThat(worker.ids()).containsExactlyInAnyOrderElementsOf(published);
        assertThat(worker.deliveries()).as("no request was handed back and delivered again").containsOnly(1L);
    }

    @Test
    @DisplayName("a busy instance takes no more requests than its slots; the rest stay for another instance")
    void busyInstanceLeavesTheRestToOthers() throws Exception {
        Counting busy = new Counting(false); // starts answers and never finishes them
        Slots busySlots = new Slots(2);
        startFetcher(busySlots, busy);
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            published.add(publish("r" + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> busy.ids().size() == 2);

        Counting idle = new Counting(true);
        startFetcher(new Slots(10), idle);
        await().atMost(Duration.ofSeconds(20)).until(() -> idle.ids().size() == 8);

        assertThat(busy.ids()).hasSize(2);
        assertThat(busySlots.used()).isEqualTo(2);
        List<String> taken = new ArrayList<>(busy.ids());
        taken.addAll(idle.ids());
        assertThat(taken).containsExactlyInAnyOrderElementsOf(published);
        assertThat(idle.deliveries()).as("the busy instance neither held nor bounced them").containsOnly(1L);
        busy.ackAll();
    }

    @Test
    @DisplayName("after stop, requests the last pull still brings are handed back and another instance answers them")
    void stopHandsBackLateRequests() throws Exception {
        Counting stopping = new Counting(true);
        RequestFetcher fetcher = startFetcher(new Slots(8), stopping);
        await().atMost(Duration.ofSeconds(10)).until(() -> pullsWaiting() > 0);
        fetcher.stop();
        // Published while its last pull may still be open at the server.
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            published.add(publish("r" + i));
        }
        fetcher.awaitStopped(Duration.ofSeconds(5));
        int startedAfterStop = stopping.ids().size();

        Counting next = new Counting(true);
        startFetcher(new Slots(8), next);
        await().atMost(Duration.ofSeconds(20)).until(() -> next.ids().size() == published.size());
        assertThat(next.ids()).containsExactlyInAnyOrderElementsOf(published);
        assertThat(startedAfterStop).as("the stopped instance started none").isZero();
        assertThat(next.deliveries()).as("each handed back once, not bounced back into the stopped instance's pull")
                .allMatch(count -> count <= 2);
    }

    @Test
    @DisplayName("after a NATS outage it pulls again, with one warning for the outage rather than one per pull")
    void resumesAfterOutageWithoutLogFlood() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(RequestFetcher.class);
        log.start();
        logger.addAppender(log);
        try {
            Counting worker = new Counting(true);
            startFetcher(new Slots(4), worker);
            String before = publish("before");
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.ids().contains(before));

            nats.kill();
            Connection fetcherConnection = connections.getFirst();
            await().atMost(Duration.ofSeconds(10)).until(() -> fetcherConnection.getStatus() != Connection.Status.CONNECTED);
            // Down for many pull lifetimes.
            await().pollDelay(Duration.ofMillis(20 * PULL_LIFETIME.toMillis())).until(() -> true);
            nats.restart();
            await().atMost(Duration.ofSeconds(20)).until(() -> fetcherConnection.getStatus() == Connection.Status.CONNECTED);

            String after = await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> publish("after"), id -> true);
            await().atMost(Duration.ofSeconds(20)).until(() -> worker.ids().contains(after));
            long warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
            assertThat(warnings).as("warnings: %s", log.list).isBetween(1L, 3L);
        } finally {
            logger.detachAppender(log);
        }
    }

    private RequestFetcher startFetcher(Slots slots, Counting worker) throws Exception {
        Connection connection = Nats.connect(new Options.Builder().server(nats.url()).maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(50)).errorListener(new PullErrorLog()).build());
        connections.add(connection);
        JetStreamSubscription subscription = connection.jetStream().subscribe(Subjects.WORKFLOW_EXECUTE_ALL,
                PullSubscribeOptions.bind(StreamDefinitions.WORKFLOW_REQUESTS, StreamDefinitions.WORKFLOW_WORKERS));
        connection.flush(Duration.ofSeconds(5));
        worker.slots = slots;
        RequestFetcher fetcher = new RequestFetcher(connection, subscription, slots, PULL_LIFETIME, worker, "test-fetcher");
        fetchers.add(fetcher);
        fetcher.start();
        return fetcher;
    }

    private static String publish(String id) throws Exception {
        JetStream js = publisher.jetStream();
        js.publish(Subjects.workflowExecute("s-" + id), id.getBytes(StandardCharsets.UTF_8));
        return id;
    }

    private static long pullsWaiting() throws Exception {
        return publisher.jetStreamManagement()
                .getConsumerInfo(StreamDefinitions.WORKFLOW_REQUESTS, StreamDefinitions.WORKFLOW_WORKERS).getNumWaiting();
    }

    /** A dispatch that records each request; answers it at once (ack, slot freed) or keeps it running. */
    private static final class Counting implements Consumer<Message> {
        private final boolean finishAtOnce;
        private final List<Message> taken = new CopyOnWriteArrayList<>();
        private volatile Slots slots;

        Counting(boolean finishAtOnce) {
            this.finishAtOnce = finishAtOnce;
        }

        @Override
        public void accept(Message msg) {
            taken.add(msg);
            if (finishAtOnce) {
                msg.ack();
                slots.release();
            }
        }

        List<String> ids() {
            return taken.stream().map(m -> new String(m.getData(), StandardCharsets.UTF_8)).toList();
        }

        List<Long> deliveries() {
            return taken.stream().map(m -> m.metaData().deliveredCount()).toList();
        }

        void ackAll() {
            taken.forEach(Message::ack);
        }
    }
}
