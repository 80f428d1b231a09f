package dev.chatstream.worker.consumer;

import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.impl.ErrorListenerLoggerImpl;
import io.nats.client.support.Status;

/**
 * jnats' default error log, minus the {@code 408 Request Timeout} that ends every pull the
 * {@link RequestFetcher} sends (one per {@code FETCH_MAX_WAIT}, 50 a second by default): that status
 * is the normal end of a pull, not a warning. Every other status and error is logged as before.
 */
public final class PullErrorLog extends ErrorListenerLoggerImpl {
    @Override
    public void pullStatusWarning(Connection conn, JetStreamSubscription sub, Status status) {
        if (status.getCode() != Status.REQUEST_TIMEOUT_CODE) {
            super.pullStatusWarning(conn, sub, status);
        }
    }
}
