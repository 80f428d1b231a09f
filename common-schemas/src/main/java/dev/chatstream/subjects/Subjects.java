package dev.chatstream.subjects;

/**
 * Every NATS subject of the system, spelled in this one place. Builders validate their token
 * arguments with {@link SubjectToken#require}; nothing else concatenates subjects.
 */
public final class Subjects {
    private static final String WORKFLOW_EXECUTE_PREFIX = "chat.workflow.execute.";
    private static final String WORKFLOW_CANCEL_PREFIX = "chat.workflow.cancel.";
    private static final String POD_PREFIX = "chat.pod.";
    private static final String SESSION_PREFIX = "chat.session.";
    private static final String HISTORY_PREFIX = "chat.history.";
    private static final String DLQ_PREFIX = "chat.dlq.";
    private static final String CONVERSATION_PREFIX = "chat.conversation.";

    /** All workflow requests; the subjects of stream {@code WORKFLOW_REQUESTS}. */
    public static final String WORKFLOW_EXECUTE_ALL = WORKFLOW_EXECUTE_PREFIX + "*";
    /** All cancel requests; every worker subscribes. */
    public static final String WORKFLOW_CANCEL_ALL = WORKFLOW_CANCEL_PREFIX + "*";
    /** All session broadcasts; every pod subscribes and keeps only its own sessions. */
    public static final String SESSION_BROADCAST_ALL = SESSION_PREFIX + "*.broadcast";
    /** All history; the subjects of stream {@code CHAT_HISTORY}. */
    public static final String HISTORY_ALL = HISTORY_PREFIX + "*";
    /** All conversations; the subjects of stream {@code CHAT_CONVERSATIONS}. */
    public static final String CONVERSATION_ALL = CONVERSATION_PREFIX + "*";
    /** All pod heartbeats. */
    public static final String POD_HEARTBEAT_ALL = POD_PREFIX + "*.heartbeat";
    /** All pod responses (what workers publish to). */
    public static final String POD_RESPONSE_ALL = POD_PREFIX + "*.response";
    /** All dead letters; the subjects of stream {@code CHAT_DLQ}. */
    public static final String DLQ_ALL = DLQ_PREFIX + ">";
    /** The DLQ token used when a poison request's session cannot be read. */
    public static final String DLQ_UNKNOWN_SESSION = "_unknown_session";

    private Subjects() {
    }

    public static String workflowExecute(String sessionId) {
        return WORKFLOW_EXECUTE_PREFIX + SubjectToken.require(sessionId, "session id");
    }

    public static String workflowCancel(String sessionId) {
        return WORKFLOW_CANCEL_PREFIX + SubjectToken.require(sessionId, "session id");
    }

    public static String podResponse(String podId) {
        return POD_PREFIX + SubjectToken.require(podId, "pod id") + ".response";
    }

    public static String podHealth(String podId) {
        return POD_PREFIX + SubjectToken.require(podId, "pod id") + ".health";
    }

    public static String podHeartbeat(String podId) {
        return POD_PREFIX + SubjectToken.require(podId, "pod id") + ".heartbeat";
    }

    public static String sessionBroadcast(String sessionId) {
        return SESSION_PREFIX + SubjectToken.require(sessionId, "session id") + ".broadcast";
    }

    public static String history(String sessionId) {
        return HISTORY_PREFIX + SubjectToken.require(sessionId, "session id");
    }

    /** The turns of one session's conversation (stream {@code CHAT_CONVERSATIONS}). */
    public static String conversation(String sessionId) {
        return CONVERSATION_PREFIX + SubjectToken.require(sessionId, "session id");
    }

    /** Dead letters of one session, or of {@link #DLQ_UNKNOWN_SESSION}. */
    public static String dlq(String sessionId) {
        return DLQ_PREFIX + "workflow." + SubjectToken.require(sessionId, "session id");
    }

    /**
     * The session id of a {@code chat.workflow.execute.{sid}} subject; null when the subject is not one or
     * its token is not a valid id.
     */
    public static String sessionOfWorkflowExecute(String subject) {
        return validToken(subject, WORKFLOW_EXECUTE_PREFIX, "");
    }

    /** The pod id of a {@code chat.pod.{podId}.heartbeat} subject; null when the subject is not one. */
    public static String podOfHeartbeat(String subject) {
        return validToken(subject, POD_PREFIX, ".heartbeat");
    }

    /** The pod id of a {@code chat.pod.{podId}.response} subject; null when the subject is not one. */
    public static String podOfResponse(String subject) {
        return validToken(subject, POD_PREFIX, ".response");
    }

    /** The session id of a {@code chat.session.{sid}.broadcast} subject; null when the subject is not one. */
    public static String sessionOfBroadcast(String subject) {
        return validToken(subject, SESSION_PREFIX, ".broadcast");
    }

    /** The session id of a {@code chat.history.{sid}} subject; null when the subject is not one. */
    public static String sessionOfHistory(String subject) {
        return validToken(subject, HISTORY_PREFIX, "");
    }

    private static String validToken(String subject, String prefix, String suffix) {
        if (subject == null || !subject.startsWith(prefix) || !subject.endsWith(suffix)
                || subject.length() <= prefix.length() + suffix.length()) {
            return null;
        }
        String token = subject.substring(prefix.length(), subject.length() - suffix.length());
        return SubjectToken.isValid(token) ? token : null;
    }
}
