package dev.chatstream.worker.consumer;

import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests of a session still stored in {@code WORKFLOW_REQUESTS} before a given one. The stream is a work
 * queue: a request stays in it, at its sequence, until a worker acks it (its answer's final chunk recorded and
 * its turn kept) or dead-letters it, whether it streams, waits for a worker or for a redelivery. So the
 * session's subject, read in sequence order, is the session's queue of unfinished messages. Read with direct
 * message gets ({@code $JS.API.STREAM.MSG.GET}, {@code next_by_subj}). Blocking: call from a worker thread.
 */
final class RequestsAhead {
    /** "no message found": nothing (more) stored on the subject. */
    private static final int NO_MESSAGE = 10037;
    /** Bound on one walk; a user can have only a few answers at once ({@code MAX_ACTIVE_ANSWERS_PER_USER}). */
    static final int MAX_AHEAD = 64;

    /** A stored request ahead of ours: its stream sequence and message id (null when it carries none). */
    record Ahead(long sequence, String messageId) {
    }

    private final JetStreamManagement management;

    RequestsAhead(JetStreamManagement management) {
        this.management = management;
    }

    /**
     * The session's stored requests with a sequence below {@code sequence}, oldest first: only the oldest when
     * {@code all} is false. Empty: the request at {@code sequence} is the session's oldest (its turn).
     */
    List<Ahead> of(String sessionId, long sequence, boolean all) throws IOException, JetStreamApiException {
        String subject = Subjects.workflowExecute(sessionId);
        List<Ahead> ahead = new ArrayList<>();
        MessageInfo stored = get(() -> management.getFirstMessage(StreamDefinitions.WORKFLOW_REQUESTS, subject));
        while (stored != null && stored.getSeq() < sequence && ahead.size() < MAX_AHEAD) {
            ahead.add(new Ahead(stored.getSeq(), messageId(stored)));
            if (!all) {
                break;
            }
            long next = stored.getSeq() + 1;
            stored = get(() -> management.getNextMessage(StreamDefinitions.WORKFLOW_REQUESTS, next, subject));
        }
        return ahead;
    }

    private static String messageId(MessageInfo stored) {
        if (stored.getHeaders() == null) {
            return null;
        }
        String id = stored.getHeaders().getFirst(ChunkHeaders.MESSAGE_ID);
        return id != null ? id : stored.getHeaders().getFirst(ChunkHeaders.NATS_MSG_ID);
    }

    private interface Get {
        MessageInfo get() throws IOException, JetStreamApiException;
    }

    private static MessageInfo get(Get get) throws IOException, JetStreamApiException {
        try {
            return get.get();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE) {
                return null;
            }
            throw e;
        }
    }
}
