package dev.chatstream.telemetry;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class TraceMdcTest {
    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String SPAN = "b7ad6b7169203331";

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger logger = context.getLogger("trace-mdc-test");
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final TraceMdc filter = new TraceMdc();

    @BeforeEach
    void attach() {
        filter.start();
        context.addTurboFilter(filter);
        events.start();
        logger.addAppender(events);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(events);
        context.getTurboFilterList().remove(filter);
    }

    @Test
    @DisplayName("a line logged while a span is current carries its trace_id and span_id, the next line outside it none")
    void traceIdsFollowTheCurrentSpan() {
        Span span = Span.wrap(SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault()));
        try (Scope ignored = span.makeCurrent()) {
            logger.info("inside");
        }
        logger.info("outside");

        assertThat(events.list.get(0).getMDCPropertyMap()).containsEntry("trace_id", TRACE).containsEntry("span_id", SPAN);
        assertThat(events.list.get(1).getMDCPropertyMap()).doesNotContainKeys("trace_id", "span_id");
    }

    @Test
    @DisplayName("the fixed field (pod_id or worker_id) is on every line")
    void fixedFieldOnEveryLine() {
        TraceMdc.fixedField("pod_id", "pod-7");
        logger.info("any");

        assertThat(events.list.get(0).getMDCPropertyMap()).containsEntry("pod_id", "pod-7");
    }
}
