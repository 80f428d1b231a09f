package dev.chatstream.wire;

/**
 * Header names the workflow service adds besides {@link ChunkHeaders}: what a dead letter on
 * {@code CHAT_DLQ} carries about its error.
 */
public final class WorkerHeaders {
    /** On a dead letter: a machine-readable error code, e.g. {@code undecodable_request}. */
    public static final String ERROR_CODE = "Chat-Error-Code";
    /** On a dead letter: the error in words. */
    public static final String ERROR = "Chat-Error";
    /** On a dead letter: how many times the request was delivered. */
    public static final String DELIVERY_COUNT = "Chat-Delivery-Count";
    /** On a dead letter: the subject the request was published to. */
    public static final String ORIGINAL_SUBJECT = "Chat-Original-Subject";
    /** On a dead letter: the request's own {@code Nats-Msg-Id} (its message id), which the copy does not reuse. */
    public static final String ORIGINAL_MSG_ID = "Chat-Original-Msg-Id";
    /** On a dead letter: the worker that gave up on it. */
    public static final String WORKER_ID = "Chat-Worker-Id";

    private WorkerHeaders() {
    }
}
