package dev.chatstream.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts {@code trace_id} and {@code span_id} of the current span into the MDC of every log event, and
 * removes them when no span is current, so a log line names the trace it belongs to. Also puts one
 * fixed field (the process' {@code pod_id} or {@code worker_id}) into every thread's MDC. Declared in
 * logback.xml as a {@code turboFilter}; it never filters anything.
 */
public final class TraceMdc extends TurboFilter {
    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";

    private static volatile String fixedKey;
    private static volatile String fixedValue;

    /** From now on every log line's MDC carries {@code key} = {@code value} (e.g. {@code pod_id}). */
    public static void fixedField(String key, String value) {
        fixedValue = value;
        fixedKey = key;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            MDC.put(TRACE_ID, span.getTraceId());
            MDC.put(SPAN_ID, span.getSpanId());
        } else if (MDC.get(TRACE_ID) != null) {
            MDC.remove(TRACE_ID);
            MDC.remove(SPAN_ID);
        }
        String key = fixedKey;
        if (key != null && MDC.get(key) == null) {
            MDC.put(key, fixedValue);
        }
        return FilterReply.NEUTRAL;
    }
}
