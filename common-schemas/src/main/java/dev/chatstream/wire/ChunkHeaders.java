package dev.chatstream.wire;

/**
 * NATS header names that travel with chunk batches on {@code chat.pod.{podId}.response},
 * {@code chat.session.{sid}.broadcast} and {@code chat.history.{sid}}. They let a pod route,
 * de-duplicate and frame chunks without decoding their JSON.
 */
public final class ChunkHeaders {
    /** The session the batch belongs to. */
    public static final String SESSION_ID = "Chat-Session-Id";
    /** The message (answer) the batch belongs to. */
    public static final String MESSAGE_ID = "Chat-Message-Id";
    /** The {@code chunk_id} of the first chunk in the batch; the others follow by one. */
    public static final String FIRST_CHUNK_ID = "Chat-Chunk-Id";
    /** How many chunks the batch holds. */
    public static final String CHUNK_COUNT = "Chat-Chunk-Count";
    /** The delivery attempt of the request that produced the batch (1 on the first delivery). */
    public static final String ATTEMPT = "Chat-Attempt";
    /** Present with value {@code true} when the batch ends with the message's final chunk. */
    public static final String FINAL = "Chat-Final";
    /** Correlation id of the request, for logs. */
    public static final String CORRELATION_ID = "Chat-Correlation-Id";
    /**
     * When the worker published the batch, in epoch microseconds (decimal). Pods measure end-to-end
     * delivery latency from it without decoding chunk JSON. Optional.
     */
    public static final String PUBLISHED_AT = "Chat-Published-At";
    /**
     * When the pod took the POST of the request the batch answers ({@code WorkflowRequest.timestamp}), in
     * epoch microseconds (decimal). Any pod that writes the first chunk to a client measures time to first
     * chunk from it, whichever pod accepted the POST. Optional.
     */
    public static final String REQUESTED_AT = "Chat-Requested-At";
    /**
     * The {@code CHAT_HISTORY} stream sequence of the message's first stored batch (decimal), so a replay of the
     * message starts there instead of at the session's first batch. Absent when the writer does not know it yet:
     * on the first batch itself (it goes live before its acknowledgement), and on a redelivered attempt whose
     * history read did not find where the message began. Optional.
     */
    public static final String HISTORY_START = "Chat-History-Start";
    /**
     * Marks a {@link PodFrame} on {@code chat.pod.{podId}.response}: several batches in one message, each with its
     * own fields in the body; the value is the format version. A message without it is a single batch.
     */
    public static final String FRAME = "Chat-Frame";
    /** The JetStream de-duplication header. */
    public static final String NATS_MSG_ID = "Nats-Msg-Id";
    /** W3C trace context. */
    public static final String TRACEPARENT = "traceparent";

    private ChunkHeaders() {
    }
}
