package dev.chatstream.worker.consumer;

import dev.chatstream.subjects.SubjectToken;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.WorkerHeaders;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;

import java.util.concurrent.CompletableFuture;

/**
 * Sends a request the worker gives up on to {@code chat.dlq.workflow.{sid}} on {@code CHAT_DLQ}: the
 * original payload and headers, plus {@code Chat-Error-Code}, {@code Chat-Error},
 * {@code Chat-Delivery-Count}, {@code Chat-Original-Subject} and {@code Chat-Worker-Id}.
 */
final class DeadLetters {
    private final JetStream jetStream;
    private final String workerId;

    DeadLetters(JetStream jetStream, String workerId) {
        this.jetStream = jetStream;
        this.workerId = workerId;
    }

    CompletableFuture<PublishAck> send(Message request, String sessionId, String code, String error, long deliveries) {
        Headers headers = new Headers();
        if (request.getHeaders() != null) {
            request.getHeaders().forEach((name, values) -> headers.put(name, values));
        }
        headers.put(WorkerHeaders.ERROR_CODE, code)
                .put(WorkerHeaders.ERROR, oneLine(error))
                .put(WorkerHeaders.DELIVERY_COUNT, Long.toString(deliveries))
                .put(WorkerHeaders.ORIGINAL_SUBJECT, request.getSubject())
                .put(WorkerHeaders.WORKER_ID, workerId);
        String token = sessionId != null && SubjectToken.isValid(sessionId) ? sessionId : Subjects.DLQ_UNKNOWN_SESSION;
        byte[] payload = request.getData() == null ? new byte[0] : request.getData();
        try {
            return jetStream.publishAsync(Subjects.dlq(token), headers, payload);
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
