package dev.chatstream.system;

import dev.chatstream.system.OtlpReceiver.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 16: one answer is one trace across the pod and worker processes, exported with the standard
 * OTLP/HTTP exporter to a real receiver in the test and decoded with the opentelemetry-proto classes;
 * the dashboard and alert rules in deploy/observability query only metrics the processes export.
 */
@Tag("slow")
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilitySystemTest {
    private static final int TOKENS = 6;
    private static final OtlpReceiver OTLP = OtlpReceiver.start();

    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(1, 1, otel(),
            merge(otel(), Map.of("DEMO_TOKEN_DELAY_MS", "20", "WORKER_ACK_WAIT", "2s"))));

    private static Map<String, String> otel() {
        return Map.of(
                "OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_ENDPOINT", OTLP.endpoint(),
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "OTEL_BSP_SCHEDULE_DELAY", "100");
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> merged = new java.util.HashMap<>(a);
        merged.putAll(b);
        return merged;
    }

    @AfterAll
    static void stopReceiver() {
        OTLP.close();
    }

    @Test
    @Order(1)
    @DisplayName("one answer produces one trace: POST (server) → publish (producer) → worker (consumer) → GenAI call (client), history and live sends, pod delivery")
    void oneAnswerOneTrace() {
        String session = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        int port = env.cluster().pod(0).port();
        String messageId;
        try (SseClient client = SseClient.open(env.vertx(), port, session, null)) {
            RegistryProbe.awaitPods(env.vertx(), env.cluster().redis.url(), session, 1, Duration.ofSeconds(10));
            messageId = Http.sendMessage(port, session, "trace me", TOKENS, null);
            client.awaitFinal(messageId, Duration.ofSeconds(30));
        }

        Received post = awaitSpan(s -> s.kind() == SpanKind.SPAN_KIND_SERVER && "POST".equals(s.attribute("http.request.method"))
                && s.name().equals("POST /api/sessions/{sid}/messages") && carries(s.traceId(), messageId));
        String traceId = post.traceId();
        Received delivery = awaitSpan(s -> s.traceId().equals(traceId) && s.name().equals("deliver chat.pod.response"));
        Received genAi = awaitSpan(s -> s.traceId().equals(traceId) && s.kind() == SpanKind.SPAN_KIND_CLIENT);
        awaitSpan(s -> s.traceId().equals(traceId) && s.name().equals("send chat.history"));
        List<Received> trace = OTLP.spans().stream().filter(s -> s.traceId().equals(traceId)).toList();

        assertThat(post.service()).isEqualTo("backend-pod");
        Received publish = only(trace, s -> s.kind() == SpanKind.SPAN_KIND_PRODUCER && s.name().equals("send chat.workflow.execute"));
        assertThat(publish.service()).isEqualTo("backend-pod");
        assertThat(publish.parentSpanId()).as("publish under the POST").isEqualTo(post.spanId());
        assertThat(publish.attribute("messaging.system")).isEqualTo("nats");
        assertThat(publish.attribute("messaging.destination.name")).isEqualTo("chat.workflow.execute." + session);
        assertThat(publish.attribute("messaging.message.id")).isEqualTo(messageId);

        Received process = only(trace, s -> s.kind() == SpanKind.SPAN_KIND_CONSUMER && s.name().equals("process chat.workflow.execute"));
        assertThat(process.service()).isEqualTo("workflow-service");
        assertThat(process.parentSpanId()).as("worker processing parented to the pod's publish").isEqualTo(publish.spanId());
        assertThat(process.attribute("messaging.system")).isEqualTo("nats");
        assertThat(process.attribute("messaging.consumer.group.name")).isEqualTo("workflow-workers");
        assertThat(process.attribute("chat.attempt")).isEqualTo("1");

        assertThat(genAi.service()).isEqualTo("workflow-service");
        assertThat(genAi.parentSpanId()).as("provider call under the worker's processing").isEqualTo(process.spanId());
        assertThat(genAi.attribute("gen_ai.operation.name")).isEqualTo("chat");
        assertThat(genAi.attribute("gen_ai.provider.name")).isEqualTo("demo");
        assertThat(genAi.attribute("gen_ai.usage.output_tokens")).isEqualTo(Integer.toString(TOKENS));
        assertThat(genAi.hasEvent("gen_ai.first_token")).as("first-token event").isTrue();

        List<Received> sends = trace.stream().filter(s -> s.kind() == SpanKind.SPAN_KIND_PRODUCER
                && s.service().equals("workflow-service")).toList();
        assertThat(sends).extracting(Received::name).contains("send chat.history", "send chat.pod.response");
        assertThat(sends).allSatisfy(s -> {
            assertThat(s.parentSpanId()).isEqualTo(process.spanId());
            assertThat(s.attribute("messaging.system")).isEqualTo("nats");
        });
        assertThat(sends.size()).as("per batch, not per chunk").isLessThanOrEqualTo(2 * (TOKENS + 1));

        assertThat(delivery.service()).isEqualTo("backend-pod");
        assertThat(delivery.kind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
        assertThat(delivery.parentSpanId()).as("pod delivery under the worker's processing").isEqualTo(process.spanId());
        assertThat(delivery.hasEvent("first chunk written")).isTrue();
        assertThat(delivery.attribute("messaging.message.id")).isEqualTo(messageId);
    }

    /** Whether trace {@code traceId} has a span about message {@code messageId}. */
    @Test
    @Order(2)
    @DisplayName("every query of the Grafana dashboard and the alert rules names a metric the pod, the worker or the NATS exporter exports")
    void dashboardAndAlertsQueryExportedMetrics() throws Exception {
        String session = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        int port = env.cluster().pod(0).port();
        try (SseClient client = SseClient.open(env.vertx(), port, session, null)) {
            RegistryProbe.awaitPods(env.vertx(), env.cluster().redis.url(), session, 1, Duration.ofSeconds(10));
            client.awaitFinal(Http.sendMessage(port, session, "count me", TOKENS, null), Duration.ofSeconds(30));
        }
        // Counters of refusals appear with the first refusal.
        assertThat(Http.post(port, "/api/sessions/" + session + "/messages", "not json", Map.of()).status()).isEqualTo(400);
        String exported = metrics(env.cluster().pod(0)) + metrics(env.cluster().worker(0));

        List<String> queries = new ArrayList<>();
        JsonObject dashboard = new JsonObject(Files.readString(observability("grafana-dashboard.json")));
        for (Object panel : dashboard.getJsonArray("panels")) {
            JsonArray targets = ((JsonObject) panel).getJsonArray("targets");
            if (targets != null) {
                targets.forEach(t -> queries.add(((JsonObject) t).getString("expr")));
            }
        }
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(observability("prometheus-alerts.yaml").toFile());
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                assertThat(rule.get("alert").asText()).isNotBlank();
                queries.add(rule.get("expr").asText());
            }
        }
        assertThat(queries).hasSizeGreaterThan(15);
        assertThat(String.join("\n", queries)).contains("chat_pod_ttft_seconds_bucket", "chat_chunk_delivery_seconds_bucket",
                "chat_sse_connections_active", "chat_workflow_requests_total", "jetstream_consumer_num_redelivered",
                "CHAT_DLQ", "jetstream_consumer_num_pending", "chat_nats_connected");
        for (String query : queries) {
            List<String> names = new ArrayList<>();
            Matcher m = METRIC.matcher(query);
            while (m.find()) {
                if (!exported.contains(m.group(1) + "=\"")) { // a label (gen_ai_provider_name), not a metric
                    names.add(m.group(1));
                }
            }
            assertThat(names).as("metrics named by " + query).isNotEmpty();
            for (String name : names) {
                if (name.startsWith("jetstream_") || name.startsWith("gnatsd_")) {
                    assertThat(NATS_EXPORTER).as("prometheus-nats-exporter metric in " + query).contains(name);
                } else {
                    assertThat(exported).as(name + " in " + query + " is exported").containsPattern("(?m)^" + name + "[{ ]");
                }
            }
        }
    }

    @Test
    @Order(3)
    @DisplayName("a worker killed mid-answer: the redelivery is attempt 2 in the same trace, under the pod's publish span")
    void redeliveryIsANewAttemptInTheSameTrace() {
        String session = "redeliver-" + UUID.randomUUID().toString().substring(0, 8);
        int port = env.cluster().pod(0).port();
        String messageId;
        try (SseClient client = SseClient.open(env.vertx(), port, session, null)) {
            RegistryProbe.awaitPods(env.vertx(), env.cluster().redis.url(), session, 1, Duration.ofSeconds(10));
            messageId = Http.sendMessage(port, session, "crash halfway", 100, null);
            client.awaitChunks(messageId, 10, Duration.ofSeconds(30));
            env.cluster().worker(0).kill();
            env.cluster().newWorker("worker-after-kill").start();
            client.awaitFinal(messageId, Duration.ofSeconds(40));
        }

        Received publish = awaitSpan(s -> s.name().equals("send chat.workflow.execute")
                && messageId.equals(s.attribute("messaging.message.id")));
        // The killed worker never exported attempt 1; the replacement's attempt says which one it is.
        Received retry = awaitSpan(s -> s.traceId().equals(publish.traceId())
                && s.name().equals("process chat.workflow.execute") && "2".equals(s.attribute("chat.attempt")));
        assertThat(retry.parentSpanId()).isEqualTo(publish.spanId());
        assertThat(retry.kind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
        Received genAi = awaitSpan(s -> s.traceId().equals(publish.traceId()) && s.kind() == SpanKind.SPAN_KIND_CLIENT);
        assertThat(genAi.parentSpanId()).isEqualTo(retry.spanId());
    }

    /** The names {@code prometheus-nats-exporter -varz -jsz=all} (0.15) serves that the files may use. */
    private static final Set<String> NATS_EXPORTER = Set.of("jetstream_stream_total_messages", "jetstream_stream_total_bytes",
            "jetstream_consumer_num_pending", "jetstream_consumer_num_ack_pending", "jetstream_consumer_num_redelivered",
            "jetstream_consumer_num_waiting", "gnatsd_varz_connections", "gnatsd_varz_slow_consumers");
    private static final Pattern METRIC = Pattern.compile("\\b((?:chat|gen_ai|jetstream|gnatsd)_[a-z0-9_]+)");

    private static String metrics(ServiceUnderTest service) {
        // A pod serves /metrics on its management port only; a worker on its ops (HTTP) port.
        int port = service instanceof PodProcess pod ? pod.managementPort() : service.port();
        Http.Response response = Http.get(port, "/metrics");
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }

    private static Path observability(String file) {
        Path here = Path.of("").toAbsolutePath();
        Path root = Files.isDirectory(here.resolve("deploy")) ? here : here.getParent();
        return root.resolve("deploy/observability").resolve(file);
    }

    private static boolean carries(String traceId, String messageId) {
        return OTLP.spans().stream().anyMatch(s -> s.traceId().equals(traceId)
                && messageId.equals(s.attribute("messaging.message.id")));
    }

    private static Received awaitSpan(Predicate<Received> matching) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> OTLP.spans().stream().filter(matching).findFirst(), java.util.Optional::isPresent)
                .orElseThrow();
    }

    private static Received only(List<Received> spans, Predicate<Received> matching) {
        List<Received> found = spans.stream().filter(matching).toList();
        assertThat(found).as("exactly one matching span in " + spans.stream().map(Received::name).toList()).hasSize(1);
        return found.get(0);
    }
}
