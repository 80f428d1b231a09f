package dev.chatstream.pod.http;

import dev.chatstream.telemetry.NatsTraceContext;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.http.HttpServerRequest;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C trace context from the POST into the NATS headers of the workflow request, through the
 * OpenTelemetry API (a no-op unless {@code dev.chatstream.telemetry.Telemetry} installed the SDK). Even
 * without an SDK the request's {@code traceparent} is passed on, and a request without one gets a fresh
 * one, so logs of the worker can be joined to the pod's. Spans: the POST (server) and, under it, the
 * JetStream publish (producer) whose context the request carries (docs/observability.md).
 */
public final class RequestTracing {
    private static final TextMapGetter<HttpServerRequest> FROM_HTTP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerRequest request) {
            return request.headers().names();
        }

        @Override
        public String get(HttpServerRequest request, String key) {
            return request == null ? null : request.getHeader(key);
        }
    };

    private final Tracer tracer = GlobalOpenTelemetry.getTracer("backend-pod");

    /** Starts the server span of a request, continuing the caller's trace when it sent one. */
    public Span start(String route, HttpServerRequest request) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), request, FROM_HTTP);
        String method = request.method().name();
        Span span = tracer.spanBuilder(method + " " + route).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", method)
                .setAttribute("http.route", route)
                .startSpan();
        if (span.getSpanContext().isValid()) {
            return span;
        }
        span.end();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Span.wrap(SpanContext.create(hex(random.nextLong(), random.nextLong() | 1), hex(random.nextLong() | 1),
                TraceFlags.getDefault(), TraceState.getDefault()));
    }

    /**
     * Starts the JetStream publish (producer) span of the request under {@code server} and writes its
     * trace context into {@code headers}; the worker's processing continues that trace. End it when the
     * publish is acknowledged or failed.
     */
    public Span publish(Span server, String subject, String messageId, Headers headers) {
        Span span = tracer.spanBuilder("send chat.workflow.execute")
                .setParent(Context.root().with(server))
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "nats")
                .setAttribute("messaging.operation.type", "send")
                .setAttribute("messaging.destination.name", subject)
                .setAttribute("messaging.destination.template", "chat.workflow.execute.{sid}")
                .setAttribute("messaging.message.id", messageId)
                .startSpan();
        NatsTraceContext.inject(span.getSpanContext().isValid() ? span : server, headers);
        return span;
    }

    private static String hex(long... parts) {
        StringBuilder out = new StringBuilder(parts.length * 16);
        for (long part : parts) {
            out.append(HexFormat.of().toHexDigits(part));
        }
        return out.toString();
    }
}
