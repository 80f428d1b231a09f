package dev.chatstream.worker.consumer;

import dev.chatstream.codec.MessageCodecException;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.SubjectToken;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.worker.fanout.MessageInfo;
import io.nats.client.Message;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * The intake of one delivered request, holding a slot: decodes and validates it (a poison request
 * goes to {@code CHAT_DLQ}, its session told), claims its message id on this worker, waits for its
 * session's earlier requests ({@link SessionTurns}), skips a message already answered (its
 * {@code chat_answered} marker, or a final chunk in history), finds where an earlier attempt got, and
 * hands over to its {@link Answer}. Runs on one event-loop context.
 */
final class Intake {
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);

    private final AnswerServices s;
    private final Message msg;
    private final Context context;
    private final Lease lease;

    Intake(AnswerServices services, Message msg, Context context) {
        this.s = services;
        this.msg = msg;
        this.context = context;
        this.lease = new Lease(services, msg);
    }

    /** Call on {@link #context}. */
    void start() {
        WorkflowRequest request;
        try {
            request = s.codec().decode(msg.getData() == null ? new byte[0] : msg.getData(), WorkflowRequest.class);
        } catch (MessageCodecException e) {
            poison(null, "undecodable_request", e.getMessage());
            return;
        }
        if (!SubjectToken.isValid(request.sessionId()) || !SubjectToken.isValid(request.messageId())) {
            poison(request, "invalid_request", "session_id and message_id must be tokens of [A-Za-z0-9_-]{1,64}");
            return;
        }
        Span span = s.tracing().startAnswer(msg, request.sessionId(), request.messageId());
        MessageInfo info = new MessageInfo(request.sessionId(), request.messageId(), (int) lease.deliveries(),
                request.correlationId(), Tracing.traceparent(span, msg.getHeaders()))
                .withRequestedAt(request.timestamp()); // pods measure time to first chunk from it
        Answer answer = new Answer(s, context, lease, request, span, info);
        if (!s.answers().register(request.sessionId(), request.messageId(), answer)) {
            // The same message is still streaming here (an ackWait expired despite the renewals): leave
            // this copy for later rather than generate it twice at once.
            span.end();
            lease.notNow();
            s.slots().release();
            return;
        }
        lease.keepAlive(answer::onLeaseLost);
        // BUSY_POLICY: the session's earlier requests end first (SessionTurns); the lease is renewed meanwhile.
        s.turns().await(msg, request.sessionId(), request.messageId(), answer, lease, new AnswerLog(request, span), context)
                .compose(v -> prior(request))
                .onSuccess(answer::begin)
                .onFailure(err -> answer.infrastructureFailure("history_unreadable", String.valueOf(err.getMessage())));
    }

    /**
     * What earlier deliveries left: answered already (the marker outlives the requests' duplicate
     * window), or how far history got. Only a redelivery can have any history — or a first delivery whose
     * marker could not be read: JetStream is in trouble then (a node loss), and a consumer whose leader
     * changed may hand a request out again as a first delivery, so history is asked too.
     */
    private Future<HistoryProgress> prior(WorkflowRequest request) {
        return s.vertx().executeBlocking(() -> {
            Boolean answered = answered(request.messageId());
            if (Boolean.TRUE.equals(answered)) {
                return HistoryProgress.ANSWERED;
            }
            return lease.deliveries() <= 1 && answered != null ? HistoryProgress.NONE
                    : s.history().read(request.sessionId(), request.messageId(), storedAt());
        }, false);
    }

    /** When the request was stored in {@code WORKFLOW_REQUESTS} (the server's clock), or null when unknown. */
    private Instant storedAt() {
        return msg.isJetStream() && msg.metaData().timestamp() != null ? msg.metaData().timestamp().toInstant() : null;
    }

    /** Whether the message carries an answered marker; null when the marker could not be read. */
    private Boolean answered(String messageId) {
        try {
            return s.answered().answered(messageId);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // Unknown: history decides (unreadable too, the request is retried later rather than answered twice).
            LOG.warn("could not read the answered marker of {}: {}", messageId, e.toString());
            return null;
        }
    }

    /** A request that can never be answered: error chunk to the session when known, then the DLQ. */
    private void poison(WorkflowRequest request, String code, String message) {
        String subjectSession = Subjects.sessionOfWorkflowExecute(msg.getSubject());
        String sessionId = request != null && SubjectToken.isValid(request.sessionId()) ? request.sessionId()
                : subjectSession;
        String messageId = request != null ? request.messageId()
                : msg.getHeaders() == null ? null : msg.getHeaders().getFirst(ChunkHeaders.NATS_MSG_ID);
        LOG.warn("poison request on {}: {}: {}", msg.getSubject(), code, message);
        if (sessionId != null && messageId != null && SubjectToken.isValid(messageId)) {
            // The decoder's text can quote the bad input: the stream gets the code and a fixed text, the log the rest.
            ErrorNotice.send(s, context, sessionId, messageId, (int) lease.deliveries(), 0, code,
                    "the request could not be processed");
        }
        lease.deadLetter(sessionId, code, message).onComplete(ar -> {
            s.metrics().request(ar.succeeded() && ar.result() ? "dead_lettered" : "retried");
            s.slots().release();
        });
    }
}
