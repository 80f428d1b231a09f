package dev.chatstream.deploy;

import dev.chatstream.config.Env;
import dev.chatstream.config.NatsSettings;
import dev.chatstream.streams.JetStreamProvisioner;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.streams.StreamSettings;
import dev.chatstream.subjects.ServiceSubjects;
import dev.chatstream.subjects.Subjects;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.nats.service.Service;
import io.nats.service.ServiceEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The NATS configuration of {@code deploy/nats}, run for real: three nats-server processes form a
 * JetStream cluster, the worker's credentials provision three-replica streams and work the queue,
 * the pod's credentials publish and replay, and each role is refused what it must not do.
 */
@Tag("slow")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NatsClusterConfigTest {
    private static final Map<String, String> SECRETS = Map.of(
            "NATS_POD_PASSWORD", "testPodPassw0rd",
            "NATS_WORKER_PASSWORD", "testWorkerPassw0rd",
            "NATS_ADMIN_PASSWORD", "testAdminPassw0rd",
            "NATS_SYS_PASSWORD", "testSysPassw0rd");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private LocalNatsCluster cluster;
    private final RecordingErrorListener podErrors = new RecordingErrorListener();
    private final RecordingErrorListener workerErrors = new RecordingErrorListener();
    private Connection pod;
    private Connection worker;
    private Connection admin;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = LocalNatsCluster.start(SECRETS);
        worker = connect("worker", SECRETS.get("NATS_WORKER_PASSWORD"), workerErrors);
        pod = connect("pod", SECRETS.get("NATS_POD_PASSWORD"), podErrors);
        admin = connect("admin", SECRETS.get("NATS_ADMIN_PASSWORD"), new RecordingErrorListener());
        // What the workflow service does at start-up, with the worker's credentials.
        new JetStreamProvisioner(worker.jetStreamManagement()).apply(StreamDefinitions3.SETTINGS);
    }

    @AfterAll
    void stopCluster() throws InterruptedException {
        for (Connection c : new Connection[] {pod, worker, admin}) {
            if (c != null) {
                c.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private Connection connect(String user, String password, RecordingErrorListener errors) throws Exception {
        NatsSettings settings = NatsSettings.fromEnv(new Env(Map.of(
                "NATS_URL", cluster.urls(), "NATS_USER", user, "NATS_PASSWORD", password)));
        // All on the first node, so a subscription is known where the publisher is (no route
        // propagation race); the streams still live on all three nodes.
        return Nats.connect(settings.options("deploy-test-" + user).noRandomize().errorListener(errors).build());
    }

    /** The streams as the prod overlay configures them: STREAM_REPLICAS=3. */
    private static final class StreamDefinitions3 {
        static final StreamSettings SETTINGS = StreamSettings.defaults().withReplicas(3);
    }

    @Test
    @Order(1)
    @DisplayName("the worker's credentials create every stream with three replicas on three nodes")
    void workerCredentialsCreateReplicatedStreams() throws Exception {
        for (String stream : List.of(StreamDefinitions.WORKFLOW_REQUESTS, StreamDefinitions.CHAT_HISTORY, StreamDefinitions.CHAT_DLQ)) {
            StreamInfo info = worker.jetStreamManagement().getStreamInfo(stream);
            assertThat(info.getConfiguration().getReplicas()).as(stream).isEqualTo(3);
            await().atMost(WAIT).untilAsserted(() -> assertThat(
                    worker.jetStreamManagement().getStreamInfo(stream).getClusterInfo().getReplicas())
                    .as("followers of " + stream).hasSize(2));
        }
        // A second start (another worker) finds everything in place; it may read and update.
        assertThat(new JetStreamProvisioner(worker.jetStreamManagement()).apply(StreamDefinitions3.SETTINGS))
                .extracting(JetStreamProvisioner.Change::outcome).doesNotContain(JetStreamProvisioner.Outcome.CREATED);
        assertThat(workerErrors.violations()).isEmpty();
    }

    @Test
    @Order(2)
    @DisplayName("a pod publishes a request and a worker takes it from the work queue with the durable consumer")
    void podPublishesAndWorkerConsumes() throws Exception {
        String sid = "s-queue";
        JetStream podJs = pod.jetStream();
        PublishAck first = podJs.publish(Subjects.workflowExecute(sid), bytes("request-1"),
                PublishOptions.builder().messageId("m-1").build());
        PublishAck again = podJs.publish(Subjects.workflowExecute(sid), bytes("request-1"),
                PublishOptions.builder().messageId("m-1").build());
        podJs.publish(Subjects.workflowExecute(sid), bytes("request-2"), PublishOptions.builder().messageId("m-2").build());
        assertThat(first.getStream()).isEqualTo(StreamDefinitions.WORKFLOW_REQUESTS);
        assertThat(again.isDuplicate()).isTrue();

        // The simplified API (consumer context): take one, report progress, hand it back ...
        ConsumerContext consumer = worker.getStreamContext(StreamDefinitions.WORKFLOW_REQUESTS)
                .getConsumerContext(StreamDefinitions.WORKFLOW_WORKERS);
        Message taken = consumer.next(WAIT);
        assertThat(taken).isNotNull();
        taken.inProgress();
        taken.nak();

        // ... and a bound pull subscription gets both (one redelivered) and acknowledges them.
        JetStreamSubscription pull = worker.jetStream().subscribe(Subjects.WORKFLOW_EXECUTE_ALL,
                PullSubscribeOptions.bind(StreamDefinitions.WORKFLOW_REQUESTS, StreamDefinitions.WORKFLOW_WORKERS));
        List<String> done = new CopyOnWriteArrayList<>();
        await().atMost(WAIT).until(() -> {
            for (Message m : pull.fetch(2, Duration.ofMillis(500))) {
                m.ackSync(WAIT);
                done.add(text(m));
            }
            return done.size() == 2;
        });
        assertThat(done).containsExactlyInAnyOrder("request-1", "request-2");
        pull.unsubscribe();

        await().atMost(WAIT).untilAsserted(() -> assertThat(worker.jetStreamManagement()
                .getStreamInfo(StreamDefinitions.WORKFLOW_REQUESTS).getStreamState().getMsgCount()).isZero());
        assertThat(podErrors.violations()).isEmpty();
        assertThat(workerErrors.violations()).isEmpty();
    }

    @Test
    @Order(3)
    @DisplayName("a worker writes history and dead letters, and a pod replays the history")
    void workerWritesHistoryAndPodReplaysIt() throws Exception {
        String sid = "s-history";
        Headers headers = new Headers().add("Chat-Session-Id", sid);
        worker.jetStream().publish(Subjects.history(sid), headers, bytes("batch-0"));
        worker.jetStream().publish(Subjects.history(sid), headers, bytes("batch-1"));
        PublishAck dead = worker.jetStream().publish(Subjects.dlq(sid), bytes("poison"));
        assertThat(dead.getStream()).isEqualTo(StreamDefinitions.CHAT_DLQ);

        // Ordered consumer, pull based (simplified API).
        OrderedConsumerContext ordered = pod.getStreamContext(StreamDefinitions.CHAT_HISTORY)
                .createOrderedConsumer(new OrderedConsumerConfiguration().filterSubject(Subjects.history(sid)));
        assertThat(text(ordered.next(WAIT))).isEqualTo("batch-0");
        assertThat(text(ordered.next(WAIT))).isEqualTo("batch-1");

        // Ordered consumer, push based; the stream found from the subject.
        JetStreamSubscription push = pod.jetStream().subscribe(Subjects.history(sid),
                PushSubscribeOptions.builder().ordered(true).build());
        assertThat(text(push.nextMessage(WAIT))).isEqualTo("batch-0");
        assertThat(text(push.nextMessage(WAIT))).isEqualTo("batch-1");
        push.unsubscribe();

        // A single read of the newest batch, by a pod and by a worker (where a retried answer continues).
        assertThat(new String(pod.getStreamContext(StreamDefinitions.CHAT_HISTORY)
                .getLastMessage(Subjects.history(sid)).getData(), StandardCharsets.UTF_8)).isEqualTo("batch-1");
        assertThat(new String(worker.getStreamContext(StreamDefinitions.CHAT_HISTORY)
                .getLastMessage(Subjects.history(sid)).getData(), StandardCharsets.UTF_8)).isEqualTo("batch-1");
        OrderedConsumerContext workerReplay = worker.getStreamContext(StreamDefinitions.CHAT_HISTORY)
                .createOrderedConsumer(new OrderedConsumerConfiguration().filterSubject(Subjects.history(sid)));
        assertThat(text(workerReplay.next(WAIT))).isEqualTo("batch-0");
        assertThat(podErrors.violations()).isEmpty();
        assertThat(workerErrors.violations()).isEmpty();
    }

    @Test
    @Order(4)
    @DisplayName("a pod replays a long history with a pushed ordered consumer, answering flow control")
    void podReplaysLongHistoryUnderFlowControl() throws Exception {
        String sid = "s-long";
        byte[] batch = new byte[4096];
        java.util.Arrays.fill(batch, (byte) 'x');
        List<CompletableFuture<PublishAck>> acks = new java.util.ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            acks.add(worker.jetStream().publishAsync(Subjects.history(sid), batch));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        JetStreamSubscription push = pod.jetStream().subscribe(Subjects.history(sid),
                PushSubscribeOptions.builder().ordered(true).build());
        int received = 0;
        while (received < acks.size()) {
            Message m = push.nextMessage(WAIT);
            assertThat(m).as("message " + received + " of " + acks.size()).isNotNull();
            received++;
        }
        push.unsubscribe();
        assertThat(podErrors.violations()).isEmpty();
    }

    @Test
    @Order(5)
    @DisplayName("a worker's chunks reach the pod by its own subject and by session broadcast")
    void workerChunksReachThePod() throws Exception {
        String podId = "backend-pod-abc12";
        List<String> received = new CopyOnWriteArrayList<>();
        Subscription own = pod.subscribe(Subjects.podResponse(podId));
        Subscription broadcast = pod.subscribe(Subjects.SESSION_BROADCAST_ALL);
        pod.flush(WAIT);
        worker.publish(Subjects.podResponse(podId), bytes("to-pod"));
        worker.publish(Subjects.sessionBroadcast("s-live"), bytes("to-all"));
        received.add(text(own.nextMessage(WAIT)));
        received.add(text(broadcast.nextMessage(WAIT)));
        assertThat(received).containsExactly("to-pod", "to-all");
        own.unsubscribe();
        broadcast.unsubscribe();
        assertThat(podErrors.violations()).isEmpty();
        assertThat(workerErrors.violations()).isEmpty();
    }

    @Test
    @Order(6)
    @DisplayName("a pod's cancel request is answered by a worker, and its heartbeat reaches the workers")
    void cancelAndHeartbeat() throws Exception {
        Dispatcher workerSide = worker.createDispatcher(msg -> {
            if (msg.getSubject().startsWith("chat.workflow.cancel.")) {
                worker.publish(msg.getReplyTo(), bytes("{\"status\":\"cancelled\"}"));
            }
        });
        workerSide.subscribe(Subjects.WORKFLOW_CANCEL_ALL);
        Subscription heartbeats = worker.subscribe(Subjects.POD_HEARTBEAT_ALL);
        worker.flush(WAIT);

        Message reply = pod.request(Subjects.workflowCancel("s-cancel"), bytes("{}"), WAIT);
        assertThat(text(reply)).contains("cancelled");
        pod.publish(Subjects.podHeartbeat("backend-pod-abc12"), bytes("{}"));
        assertThat(heartbeats.nextMessage(WAIT).getSubject()).isEqualTo(Subjects.podHeartbeat("backend-pod-abc12"));

        worker.closeDispatcher(workerSide);
        heartbeats.unsubscribe();
        assertThat(podErrors.violations()).isEmpty();
        assertThat(workerErrors.violations()).isEmpty();
    }

    @Test
    @Order(7)
    @DisplayName("a pod answers health requests and a worker answers the micro-service protocol")
    void podAnswersHealthAndWorkerAnswersSrv() throws Exception {
        String podId = "backend-pod-abc12";
        Dispatcher health = pod.createDispatcher(msg -> pod.publish(msg.getReplyTo(), bytes("{\"status\":\"UP\"}")));
        health.subscribe(Subjects.podHealth(podId));
        pod.flush(WAIT);
        assertThat(text(admin.request(Subjects.podHealth(podId), new byte[0], WAIT))).contains("UP");
        pod.closeDispatcher(health);

        // As workflow-service's StatusService: the micro-service protocol and one status endpoint.
        String name = ServiceSubjects.WORKFLOW_SERVICE_NAME;
        Service service = new io.nats.service.ServiceBuilder().connection(worker).name(name).version("0.1.0")
                .addServiceEndpoint(ServiceEndpoint.builder().endpointName("status").endpointSubject(ServiceSubjects.WORKFLOW_STATUS)
                        .handler(msg -> msg.respond(worker, "{\"worker_id\":\"w-1\"}")).build())
                .build();
        CompletableFuture<Boolean> done = service.startService();
        try {
            worker.flush(WAIT);
            assertThat(text(admin.request(Service.DEFAULT_SERVICE_PREFIX + Service.SRV_PING + "." + name, new byte[0], WAIT))).contains(name);
            assertThat(text(admin.request(Service.DEFAULT_SERVICE_PREFIX + Service.SRV_INFO, new byte[0], WAIT))).contains(name);
            assertThat(text(admin.request(Service.DEFAULT_SERVICE_PREFIX + Service.SRV_STATS + "." + name, new byte[0], WAIT))).contains(name);
            assertThat(text(admin.request(ServiceSubjects.WORKFLOW_STATUS, new byte[0], WAIT))).contains("w-1");
        } finally {
            service.stop();
        }
        assertThat(done).succeedsWithin(WAIT);
        assertThat(podErrors.violations()).isEmpty();
        assertThat(workerErrors.violations()).isEmpty();
    }

    @Test
    @Order(8)
    @DisplayName("a pod may not write history, answer as a worker, read the work queue or delete streams")
    void podIsRefusedWhatItMustNotDo() throws Exception {
        pod.publish(Subjects.history("s-x"), bytes("forged"));
        pod.publish(Subjects.podResponse("other-pod"), bytes("forged"));
        pod.publish(Subjects.sessionBroadcast("s-x"), bytes("forged"));
        pod.subscribe("chat.workflow.execute.>");
        pod.flush(WAIT);
        await().atMost(WAIT).untilAsserted(() -> assertThat(podErrors.violations()).contains(
                "Permissions Violation for Publish to \"" + Subjects.history("s-x") + "\"",
                "Permissions Violation for Publish to \"" + Subjects.podResponse("other-pod") + "\"",
                "Permissions Violation for Publish to \"" + Subjects.sessionBroadcast("s-x") + "\"",
                "Permissions Violation for Subscription to \"chat.workflow.execute.>\""));

        assertThatThrownBy(() -> pod.getStreamContext(StreamDefinitions.WORKFLOW_REQUESTS)
                .getConsumerContext(StreamDefinitions.WORKFLOW_WORKERS).next(Duration.ofSeconds(2)))
                .isInstanceOf(Exception.class);
        assertThatThrownBy(() -> pod.jetStreamManagement().deleteStream(StreamDefinitions.CHAT_HISTORY))
                .isInstanceOf(Exception.class);
        await().atMost(WAIT).untilAsserted(() -> assertThat(podErrors.violations()).anySatisfy(v ->
                assertThat(v).startsWith("Permissions Violation for Publish to \"$JS.API.STREAM.DELETE.CHAT_HISTORY")));
        assertThat(worker.jetStreamManagement().getStreamNames()).contains(StreamDefinitions.CHAT_HISTORY);
    }

    @Test
    @Order(9)
    @DisplayName("a worker may not enqueue requests, read pods' responses or delete streams")
    void workerIsRefusedWhatItMustNotDo() throws Exception {
        worker.publish(Subjects.workflowExecute("s-x"), bytes("forged"));
        worker.subscribe(Subjects.POD_RESPONSE_ALL);
        worker.flush(WAIT);
        assertThatThrownBy(() -> worker.jetStreamManagement().deleteStream(StreamDefinitions.WORKFLOW_REQUESTS))
                .isInstanceOf(Exception.class);
        await().atMost(WAIT).untilAsserted(() -> assertThat(workerErrors.violations()).contains(
                "Permissions Violation for Publish to \"" + Subjects.workflowExecute("s-x") + "\"",
                "Permissions Violation for Subscription to \"" + Subjects.POD_RESPONSE_ALL + "\"",
                "Permissions Violation for Publish to \"$JS.API.STREAM.DELETE.WORKFLOW_REQUESTS\""));
    }

    @Test
    @Order(10)
    @DisplayName("wrong credentials are refused")
    void wrongCredentialsAreRefused() {
        NatsSettings settings = NatsSettings.fromEnv(new Env(Map.of(
                "NATS_URL", cluster.node(0).url(), "NATS_USER", "pod", "NATS_PASSWORD", "not-the-password")));
        assertThatThrownBy(() -> Nats.connect(settings.options("deploy-test-wrong").maxReconnects(0)
                .connectionTimeout(Duration.ofSeconds(2)).build()))
                .hasMessageContaining("Authorization Violation");
    }

    @Test
    @Order(11)
    @DisplayName("a pod may create a missing stream but not change an existing one")
    void podCreatesMissingStreamsOnly() throws Exception {
        admin.jetStreamManagement().deleteStream(StreamDefinitions.CHAT_DLQ);
        StreamInfo created = pod.jetStreamManagement().addStream(StreamDefinitions.chatDlq(StreamDefinitions3.SETTINGS));
        assertThat(created.getConfiguration().getReplicas()).isEqualTo(3);
        assertThatThrownBy(() -> pod.jetStreamManagement().updateStream(StreamDefinitions.chatDlq(
                StreamDefinitions3.SETTINGS.withReplicas(1)))).isInstanceOf(Exception.class);
        await().atMost(WAIT).untilAsserted(() -> assertThat(podErrors.violations())
                .contains("Permissions Violation for Publish to \"$JS.API.STREAM.UPDATE." + StreamDefinitions.CHAT_DLQ + "\""));
        assertThat(worker.jetStreamManagement().getStreamInfo(StreamDefinitions.CHAT_DLQ).getConfiguration().getReplicas()).isEqualTo(3);
    }

    @Test
    @Order(12)
    @DisplayName("the preStop command puts a node in lame duck mode and its clients move to another node")
    void preStopSignalsLameDuckMode() throws Exception {
        LocalNatsCluster.Node last = cluster.node(LocalNatsCluster.SIZE - 1);
        AtomicBoolean lameDuck = new AtomicBoolean();
        Set<ConnectionListener.Events> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        NatsSettings settings = NatsSettings.fromEnv(new Env(Map.of("NATS_URL", last.url(),
                "NATS_USER", "pod", "NATS_PASSWORD", SECRETS.get("NATS_POD_PASSWORD"))));
        try (Connection onLast = Nats.connect(settings.options("deploy-test-ldm").connectionListener((c, e) -> {
            seen.add(e);
            if (e == ConnectionListener.Events.LAME_DUCK) {
                lameDuck.set(true);
            }
        }).build())) {
            assertThat(Files.exists(last.pidFile())).as("pid_file written").isTrue();
            // The StatefulSet's preStop hook, with the pid file of this node.
            Process signal = new ProcessBuilder(dev.chatstream.testkit.Binaries.find("nats-server").orElseThrow().toString(),
                    "--signal", "ldm=" + last.pidFile()).redirectErrorStream(true).start();
            assertThat(signal.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(signal.exitValue()).as(new String(signal.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
            await().atMost(WAIT).untilTrue(lameDuck);
            last.process().await("logging lame duck mode", WAIT, () -> last.process().log().contains("lame duck"));
            assertThat(onLast.getStatus()).isIn(Connection.Status.CONNECTED, Connection.Status.RECONNECTING);
        } finally {
            last.process().kill();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Message m) {
        assertThat(m).as("a message within " + WAIT).isNotNull();
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

}
