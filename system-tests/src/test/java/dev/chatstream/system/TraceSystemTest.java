package dev.chatstream.system;

import dev.chatstream.system.OtlpReceiver.Received;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 16: one answer is one trace across the pod and worker processes, exported with the standard
 * OTLP/HTTP exporter to a real receiver in the test and decoded with the opentelemetry-proto classes.
 */
@Tag("slow")
@Timeout(120)
class TraceSystemTest {
    private static final int TOKENS = 6;
    private static final OtlpReceiver OTLP = OtlpReceiver.start();

    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(1, 1, otel(), otel()));

    private static Map<String, String> otel() {
        return Map.of(
                "OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_ENDPOINT", OTLP.endpoint(),
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "OTEL_BSP_SCHEDULE_DELAY", "100");
    }

    @AfterAll
    static void stopReceiver() {
        OTLP.close();
    }

    @Test
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
