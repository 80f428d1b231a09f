package dev.chatstream.worker.support;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import io.nats.client.JetStream;
import io.nats.client.impl.Headers;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds and publishes workflow requests the way a pod does. */
public final class Requests {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private Requests() {
    }

    public static String id(String prefix) {
        return prefix + "-" + SEQ.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static WorkflowRequest demo(String sessionId, int maxTokens) {
        return demo(sessionId, maxTokens, null);
    }

    /** A demo request of {@code userId} (null: none, as from a pod without authentication). */
    public static WorkflowRequest demo(String sessionId, int maxTokens, String userId) {
        return new WorkflowRequest(id("m"), sessionId, userId, "hello",
                new WorkflowContext("demo", null, null, maxTokens, null, List.of()), Instant.now(), id("c"));
    }

    public static void publish(JetStream js, WorkflowRequest request) {
        publish(js, request, new Headers());
    }

    /** Publishes with {@code headers} plus {@code Nats-Msg-Id} = message id. */
    public static void publish(JetStream js, WorkflowRequest request, Headers headers) {
        headers.put(ChunkHeaders.NATS_MSG_ID, request.messageId());
        try {
            js.publish(Subjects.workflowExecute(request.sessionId()), headers, MessageCodec.standard().encode(request));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
