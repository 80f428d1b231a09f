package dev.chatstream.worker.consumer;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.codec.MessageCodecException;
import dev.chatstream.schemas.CancelReply;
import dev.chatstream.schemas.CancelRequest;
import dev.chatstream.subjects.SubjectToken;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.worker.metrics.WorkerMetrics;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles {@code chat.workflow.cancel.*} (every worker subscribes, no queue group). A cancel acts only
 * on the answer with both its session id and its message id. The worker generating that answer stops
 * it and replies {@code cancelled}; one that finished it recently replies {@code finished}; the others
 * stay silent but remember the (session, message) pair for {@link ActiveAnswers#CANCEL_MEMORY}, so a
 * request of that session still queued is ended with {@code cancelled} when a worker that heard it
 * picks it up within that window. A request of another session with the same message id is never
 * touched.
 */
final class CancelListener implements MessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CancelListener.class);

    private final Connection connection;
    private final MessageCodec codec;
    private final ActiveAnswers answers;
    private final WorkerMetrics metrics;

    CancelListener(Connection connection, MessageCodec codec, ActiveAnswers answers, WorkerMetrics metrics) {
        this.connection = connection;
        this.codec = codec;
        this.answers = answers;
        this.metrics = metrics;
    }

    @Override
    public void onMessage(Message msg) {
        metrics.received("cancel");
        CancelRequest cancel;
        try {
            cancel = codec.decode(msg.getData(), CancelRequest.class);
        } catch (MessageCodecException e) {
            LOG.warn("ignoring an undecodable cancel request on {}: {}", msg.getSubject(), e.getMessage());
            return;
        }
        String sessionId = cancel.sessionId();
        String messageId = cancel.messageId();
        if (!SubjectToken.isValid(sessionId) || !Subjects.workflowCancel(sessionId).equals(msg.getSubject())) {
            // The pod sends a session's cancel on that session's subject; anything else is not ours to act on.
            LOG.warn("ignoring a cancel whose session_id does not match its subject {}", msg.getSubject());
            return;
        }
        if (!SubjectToken.isValid(messageId)) {
            LOG.warn("ignoring a cancel with an invalid message_id on {}", msg.getSubject());
            return;
        }
        Answer answer = answers.get(sessionId, messageId);
        if (answer != null) {
            answer.context().runOnContext(v -> answer.cancel()
                    .onSuccess(stopped -> reply(msg, messageId, stopped ? CancelReply.CANCELLED : CancelReply.FINISHED)));
        } else if (answers.recentlyFinished(sessionId, messageId)) {
            reply(msg, messageId, CancelReply.FINISHED);
        } else {
            answers.rememberCancel(sessionId, messageId);
        }
    }

    private void reply(Message msg, String messageId, String status) {
        if (msg.getReplyTo() != null) {
            connection.publish(msg.getReplyTo(), codec.encode(new CancelReply(messageId, status)));
            metrics.published("reply", 1);
        }
    }
}
