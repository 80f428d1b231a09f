package dev.chatstream.streams;

import dev.chatstream.subjects.Subjects;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.time.Duration;
import java.util.List;

/** The streams and the shared consumer of the system, defined in this one place. */
public final class StreamDefinitions {
    public static final String WORKFLOW_REQUESTS = "WORKFLOW_REQUESTS";
    public static final String CHAT_HISTORY = "CHAT_HISTORY";
    public static final String CHAT_DLQ = "CHAT_DLQ";
    public static final String CHAT_CONVERSATIONS = "CHAT_CONVERSATIONS";
    public static final String WORKFLOW_WORKERS = "workflow-workers";
    /** Key-value bucket of answered message ids (key: message_id), kept far longer than the dedup window. */
    public static final String ANSWERED = "chat_answered";
    /** KV bucket: session id → owning user id, written once (create-if-absent), never changed. */
    public static final String SESSION_OWNERS = "chat_sessions";
    /** KV bucket: message id of an {@code Idempotency-Key} POST → the body's hash and whether it was accepted. */
    public static final String IDEMPOTENCY_KEYS = "chat_idempotency";

    private StreamDefinitions() {
    }

    /**
     * The work queue of requests: each one is removed once a worker acknowledges it. Deduplicated by
     * {@code Nats-Msg-Id}. Bounded in messages and bytes with discard-new, so a full queue refuses the publish
     * (the pod answers 503) instead of losing an accepted request.
     */
    public static StreamConfiguration workflowRequests(StreamSettings s) {
        return StreamConfiguration.builder()
                .name(WORKFLOW_REQUESTS)
                .subjects(Subjects.WORKFLOW_EXECUTE_ALL)
                .retentionPolicy(RetentionPolicy.WorkQueue)
                .storageType(storage(s))
                .replicas(s.replicas())
                .maxAge(s.requestsMaxAge())
                .duplicateWindow(s.duplicateWindow())
                .maxMessages(s.requestsMaxMsgs())
                .maxBytes(s.requestsMaxBytes())
                .discardPolicy(DiscardPolicy.New)
                .build();
    }

    /** Chunk batches per session for resume: bounded by age, per-session count and total size. */
    public static StreamConfiguration chatHistory(StreamSettings s) {
        return StreamConfiguration.builder()
                .name(CHAT_HISTORY)
                .subjects(Subjects.HISTORY_ALL)
                .retentionPolicy(RetentionPolicy.Limits)
                .storageType(storage(s))
                .replicas(s.replicas())
                .maxAge(s.historyMaxAge())
                .maxMessagesPerSubject(s.historyMaxMsgsPerSubject())
                .maxBytes(s.historyMaxBytes())
                .discardPolicy(DiscardPolicy.Old)
                .build();
    }

    /** Requests the workflow service gave up on, with the error, for operators. */
    public static StreamConfiguration chatDlq(StreamSettings s) {
        return StreamConfiguration.builder()
                .name(CHAT_DLQ)
                .subjects(Subjects.DLQ_ALL)
                .retentionPolicy(RetentionPolicy.Limits)
                .storageType(storage(s))
                .replicas(s.replicas())
                .maxAge(s.dlqMaxAge())
                .discardPolicy(DiscardPolicy.Old)
                .build();
    }

    /**
     * Each session's turns (user messages, final assistant texts), kept {@code CONVERSATION_MAX_AGE} and at most
     * {@code CONVERSATION_MAX_TURNS} per session; deduplicated by {@code Nats-Msg-Id} (one write per turn).
     */
    public static StreamConfiguration chatConversations(StreamSettings s) {
        return StreamConfiguration.builder()
                .name(CHAT_CONVERSATIONS)
                .subjects(Subjects.CONVERSATION_ALL)
                .retentionPolicy(RetentionPolicy.Limits)
                .storageType(storage(s))
                .replicas(s.replicas())
                .maxAge(s.conversationMaxAge())
                .maxMessagesPerSubject(s.conversationMaxTurns())
                .discardPolicy(DiscardPolicy.Old)
                .build();
    }

    /** Session owners: one revision per key, no expiry (an owner never changes; see docs/security.md). */
    public static KeyValueConfiguration sessionOwners(StreamSettings s) {
        return KeyValueConfiguration.builder()
                .name(SESSION_OWNERS)
                .storageType(storage(s))
                .replicas(s.replicas())
                .maxHistoryPerKey(1)
                .build();
    }

    /** Idempotency records, kept {@link StreamSettings#idempotencyTtl()} (beyond the 2-minute dedup window). */
    public static KeyValueConfiguration idempotencyKeys(StreamSettings s) {
        return KeyValueConfiguration.builder()
                .name(IDEMPOTENCY_KEYS)
                .storageType(storage(s))
                .replicas(s.replicas())
                .maxHistoryPerKey(1)
                .ttl(s.idempotencyTtl())
                .build();
    }

    public static List<KeyValueConfiguration> buckets(StreamSettings s) {
        return List.of(sessionOwners(s), idempotencyKeys(s));
    }

    public static List<StreamConfiguration> all(StreamSettings s) {
        return List.of(workflowRequests(s), chatHistory(s), chatDlq(s), chatConversations(s));
    }

    /**
     * The durable pull consumer every worker instance shares, so each request goes to one of them.
     * Explicit acks: a worker acks only after the final chunk is recorded; a crash means redelivery
     * after {@code ackWait}, up to {@code maxDeliver} times, then the request goes to the DLQ.
     */
    public static ConsumerConfiguration workflowWorkers(StreamSettings s) {
        return ConsumerConfiguration.builder()
                .durable(WORKFLOW_WORKERS)
                .filterSubject(Subjects.WORKFLOW_EXECUTE_ALL)
                .deliverPolicy(DeliverPolicy.All)
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(s.ackWait())
                .maxDeliver(s.maxDeliver())
                .maxAckPending(s.maxAckPending())
                .build();
    }

    /**
     * The {@link #ANSWERED} bucket: a marker per answered message, expiring after {@code ttl}, so a
     * request published again after the requests' duplicate window is acknowledged, not answered twice.
     */
    public static KeyValueConfiguration answeredMarkers(StreamSettings s, Duration ttl) {
        return KeyValueConfiguration.builder()
                .name(ANSWERED)
                .ttl(ttl)
                .maxHistoryPerKey(1)
                .storageType(storage(s))
                .replicas(s.replicas())
                .build();
    }

    private static StorageType storage(StreamSettings s) {
        return s.memoryStorage() ? StorageType.Memory : StorageType.File;
    }
}
