package dev.chatstream.subjects;

/**
 * Names of the workflow service on the NATS micro-service protocol: the service answers
 * {@code $SRV.PING|INFO|STATS[.chat-workflow[.<id>]]} and one endpoint, {@link #WORKFLOW_STATUS}.
 */
public final class ServiceSubjects {
    /** The micro-service name of the workflow service. */
    public static final String WORKFLOW_SERVICE_NAME = "chat-workflow";
    /** Request-reply: one worker answers with its id, active answers, concurrency and draining flag. */
    public static final String WORKFLOW_STATUS = "chat.workflow.status";

    private ServiceSubjects() {
    }
}
