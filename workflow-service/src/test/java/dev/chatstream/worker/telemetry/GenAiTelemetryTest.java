package dev.chatstream.worker.telemetry;

import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.worker.provider.AiProvider;
import dev.chatstream.worker.provider.Completion;
import dev.chatstream.worker.provider.Generation;
import dev.chatstream.worker.provider.ProviderFailure;
import dev.chatstream.worker.provider.TokenSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class GenAiTelemetryTest {
    private final List<SpanData> spans = new CopyOnWriteArrayList<>();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
                @Override
                public CompletableResultCode export(Collection<SpanData> batch) {
                    spans.addAll(batch);
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode flush() {
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode shutdown() {
                    return CompletableResultCode.ofSuccess();
                }
            }))
            .build();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final GenAiTelemetry telemetry = new GenAiTelemetry(tracing.get("test"), meters);
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        tracing.close();
    }

    @Test
    @DisplayName("a streamed answer is one GenAI client span with usage and a first-token event, and feeds the four GenAI metrics")
    void successfulAnswer() {
        telemetry.stream(provider(sink -> {
            sink.onToken("a");
            sink.onToken("b");
            sink.onToken("c");
            sink.onComplete(new Completion(FinishReason.STOP, null, "demo-1"));
        }), request(), recordingSink(), Span.getInvalid());

        assertThat(heard).containsExactly("a", "b", "c", "complete");
        SpanData span = spans.get(0);
        assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("fake");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("m1");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo("demo-1");
        assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(3L);
        assertThat(span.getEvents()).extracting(e -> e.getName()).containsExactly("gen_ai.first_token");
        assertThat(meters.get("gen_ai.client.operation.duration").tag("error.type", "none").timer().count()).isEqualTo(1);
        assertThat(meters.get("gen_ai.client.operation.time_to_first_chunk").timer().count()).isEqualTo(1);
        assertThat(meters.get("gen_ai.client.operation.time_per_output_chunk").timer().count()).isEqualTo(2);
        assertThat(meters.get("gen_ai.client.token.usage").summary().totalAmount()).isEqualTo(3.0);
    }

    @Test
    @DisplayName("a failed provider call ends its span with an error and the failure's code as error.type")
    void failedAnswer() {
        telemetry.stream(provider(sink -> sink.onFailure(new ProviderFailure(ProviderFailure.TIMEOUT, "silent"))),
                request(), recordingSink(), Span.getInvalid());

        assertThat(heard).containsExactly("failure");
        SpanData span = spans.get(0);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo(ProviderFailure.TIMEOUT);
        assertThat(meters.get("gen_ai.client.operation.duration").tag("error.type", ProviderFailure.TIMEOUT).timer().count())
                .isEqualTo(1);
    }

    @Test
    @DisplayName("a cancelled generation ends its span once, without metrics")
    void cancelledAnswer() {
        Generation generation = telemetry.stream(provider(sink -> sink.onToken("a")), request(), recordingSink(),
                Span.getInvalid());
        generation.cancel();
        generation.cancel();

        assertThat(spans).hasSize(1);
        assertThat(meters.find("gen_ai.client.operation.duration").timers()).allSatisfy(t -> assertThat(t.count()).isZero());
    }

    private interface Script {
        void play(TokenSink sink);
    }

    private static AiProvider provider(Script script) {
        return new AiProvider() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Generation stream(WorkflowRequest request, TokenSink sink) {
                script.play(sink);
                return () -> { };
            }
        };
    }

    private TokenSink recordingSink() {
        return new TokenSink() {
            @Override
            public void onToken(String text) {
                heard.add(text);
            }

            @Override
            public void onComplete(Completion completion) {
                heard.add("complete");
            }

            @Override
            public void onFailure(ProviderFailure failure) {
                heard.add("failure");
            }
        };
    }

    private static WorkflowRequest request() {
        return new WorkflowRequest("m-1", "s-1", null, "hi", new WorkflowContext("fake", "m1", null, 8, null, null),
                Instant.now(), "c-1");
    }
}
