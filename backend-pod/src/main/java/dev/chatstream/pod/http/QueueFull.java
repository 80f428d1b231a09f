package dev.chatstream.pod.http;

import io.nats.client.JetStreamApiException;

/** Recognises JetStream refusing a publish because {@code WORKFLOW_REQUESTS} is at its message or byte bound. */
final class QueueFull {
    /** "maximum messages exceeded", "maximum bytes exceeded" (discard-new streams). */
    private static final int MAX_MESSAGES = 10077;
    private static final int MAX_BYTES = 10078;

    private QueueFull() {
    }

    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JetStreamApiException api
                    && (api.getApiErrorCode() == MAX_MESSAGES || api.getApiErrorCode() == MAX_BYTES)) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && (message.contains("maximum messages exceeded") || message.contains("maximum bytes exceeded"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
