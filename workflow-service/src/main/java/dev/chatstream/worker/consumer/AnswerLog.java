package dev.chatstream.worker.consumer;

import dev.chatstream.schemas.WorkflowRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Log lines about one answer, carrying its {@code correlation_id}, {@code session_id} and {@code message_id}. */
final class AnswerLog {
    private static final Logger LOG = LoggerFactory.getLogger(Answer.class);
    private final WorkflowRequest request;
    private final io.opentelemetry.api.trace.Span span;

    AnswerLog(WorkflowRequest request, io.opentelemetry.api.trace.Span span) {
        this.request = request;
        this.span = span;
    }

    void debug(String text) {
        if (LOG.isDebugEnabled()) {
            withMdc(() -> LOG.debug(text));
        }
    }

    void info(String text) {
        withMdc(() -> LOG.info(text));
    }

    void warn(String text) {
        withMdc(() -> LOG.warn(text));
    }

    void error(String text, Throwable e) {
        withMdc(() -> LOG.error(text, e));
    }

    private void withMdc(Runnable logging) {
        MDC.put("correlation_id", request.correlationId());
        MDC.put("session_id", request.sessionId());
        MDC.put("message_id", request.messageId());
        try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) { // trace_id/span_id in the line
            logging.run();
        } finally {
            MDC.remove("correlation_id");
            MDC.remove("session_id");
            MDC.remove("message_id");
        }
    }
}
