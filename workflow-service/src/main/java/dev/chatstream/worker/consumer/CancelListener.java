package dev.chatstream.worker.consumer;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.codec.MessageCodecException;
import dev.chatstream.schemas.CancelReply;
import dev.chatstream.schemas.CancelRequest;
import dev.chatstream.worker.metrics.WorkerMetrics;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles {@code chat.workflow.cancel.*} (every worker subscribes, no queue group). The worker
 * generating the message stops it and replies {@code cancelled}; one that finished it recently replies
 * {@code finished}; the others stay silent but remember the cancel, so a request still queued is
 * ended with {@code cancelled} as soon as any worker that heard it picks it up.
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
        String messageId = cancel.messageId();
        Answer answer = answers.get(messageId);
        if (answer != null) {
            answer.context().runOnContext(v -> answer.cancel()
                    .onSuccess(stopped -> reply(msg, messageId, stopped ? CancelReply.CANCELLED : CancelReply.FINISHED)));
        } else if (answers.recentlyFinished(messageId)) {
            reply(msg, messageId, CancelReply.FINISHED);
        } else {
            answers.rememberCancel(messageId);
        }
    }

    private void reply(Message msg, String messageId, String status) {
        if (msg.getReplyTo() != null) {
            connection.publish(msg.getReplyTo(), codec.encode(new CancelReply(messageId, status)));
            metrics.published("reply", 1);
        }
    }
}
