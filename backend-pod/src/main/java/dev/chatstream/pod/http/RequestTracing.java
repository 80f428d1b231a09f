package dev.chatstream.pod.http;

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
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.http.HttpServerRequest;

import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C trace context from the POST into the NATS headers of the workflow request, through the
 * OpenTelemetry API (a no-op unless an SDK is installed globally). Even without an SDK the request's
 * {@code traceparent} is passed on, and a request without one gets a fresh one, so logs of the worker can
 * be joined to the pod's.
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
    private final TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();

    /** Starts the server span of a request, continuing the caller's trace when it sent one. */
    public Span start(String name, HttpServerRequest request) {
        Context parent = propagator.extract(Context.root(), request, FROM_HTTP);
        Span span = tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.SERVER).startSpan();
        if (span.getSpanContext().isValid()) {
            return span;
        }
        span.end();
        return Span.wrap(SpanContext.create(randomHex(16), randomHex(8), TraceFlags.getDefault(), TraceState.getDefault()));
    }

    /** Writes {@code traceparent} (and {@code tracestate}) of {@code span} into NATS headers. */
    public void inject(Span span, Headers headers) {
        propagator.inject(Context.root().with(span), headers, (carrier, key, value) -> carrier.put(key, value));
    }

    private static String randomHex(int bytes) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder hex = new StringBuilder(bytes * 2);
        for (int i = 0; i < bytes; i++) {
            hex.append(String.format("%02x", random.nextInt(256)));
        }
        return hex.toString();
    }
}
