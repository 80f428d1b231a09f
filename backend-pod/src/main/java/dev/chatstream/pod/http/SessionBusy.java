package dev.chatstream.pod.http;

import io.nats.client.JetStreamApiException;

/**
 * Recognises JetStream refusing a {@code BUSY_POLICY=reject} publish because the session's subject still holds
 * a request ("wrong last sequence", the {@code Nats-Expected-Last-Subject-Sequence} check).
 */
final class SessionBusy {
    private static final int WRONG_LAST_SEQUENCE = 10071;

    private SessionBusy() {
    }

    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JetStreamApiException api && api.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
