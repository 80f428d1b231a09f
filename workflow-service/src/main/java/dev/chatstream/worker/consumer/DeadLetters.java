package dev.chatstream.worker.consumer;

import dev.chatstream.subjects.SubjectToken;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.wire.WorkerHeaders;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a request the worker gives up on to {@code chat.dlq.workflow.{sid}} on {@code CHAT_DLQ}: the
 * original payload and headers, plus {@code Chat-Error-Code}, {@code Chat-Error},
 * {@code Chat-Delivery-Count}, {@code Chat-Original-Subject} and {@code Chat-Worker-Id}.
 *
 * <p>Two header kinds are not copied. {@code Nats-Expected-*} are the pod's publish conditions for
 * {@code WORKFLOW_REQUESTS} ({@code Nats-Expected-Stream} would make {@code CHAT_DLQ} refuse the copy).
 * {@code Nats-Msg-Id} (the message id) is kept as {@code Chat-Original-Msg-Id}; the dead letter's own
 * id is the request's stream sequence, so two workers giving up on the same request leave one dead
 * letter while a later request with the same message id still gets its own.
 */
final class DeadLetters {
    private static final String EXPECTED_PREFIX = "nats-expected-";
    private final JetStream jetStream;
    private final String workerId;

    DeadLetters(JetStream jetStream, String workerId) {
        this.jetStream = jetStream;
        this.workerId = workerId;
    }

    CompletableFuture<PublishAck> send(Message request, String sessionId, String code, String error, long deliveries) {
        Headers headers = new Headers();
        if (request.getHeaders() != null) {
            request.getHeaders().forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!lower.startsWith(EXPECTED_PREFIX) && !lower.equals(ChunkHeaders.NATS_MSG_ID.toLowerCase(Locale.ROOT))) {
                    headers.put(name, values);
                }
            });
            String originalId = request.getHeaders().getFirst(ChunkHeaders.NATS_MSG_ID);
            if (originalId != null) {
                headers.put(WorkerHeaders.ORIGINAL_MSG_ID, originalId);
            }
        }
        headers.put(WorkerHeaders.ERROR_CODE, code)
                .put(WorkerHeaders.ERROR, oneLine(error))
                .put(WorkerHeaders.DELIVERY_COUNT, Long.toString(deliveries))
                .put(WorkerHeaders.ORIGINAL_SUBJECT, request.getSubject())
                .put(WorkerHeaders.WORKER_ID, workerId);
        String token = sessionId != null && SubjectToken.isValid(sessionId) ? sessionId : Subjects.DLQ_UNKNOWN_SESSION;
        byte[] payload = request.getData() == null ? new byte[0] : request.getData();
        PublishOptions.Builder options = PublishOptions.builder();
        if (request.isJetStream()) {
            options.messageId("request-" + request.metaData().streamSequence());
        }
        try {
            return jetStream.publishAsync(Subjects.dlq(token), headers, payload, options.build());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Header values must be one printable line. */
    private static String oneLine(String text) {
        String s = text == null ? "" : text.replaceAll("[\\r\\n\\t]+", " ");
        StringBuilder out = new StringBuilder(Math.min(s.length(), 500));
        for (int i = 0; i < s.length() && out.length() < 500; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
