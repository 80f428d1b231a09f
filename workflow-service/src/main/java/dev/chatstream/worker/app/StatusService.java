package dev.chatstream.worker.app;

import dev.chatstream.subjects.ServiceSubjects;
import dev.chatstream.worker.consumer.WorkflowConsumer;
import io.nats.client.Connection;
import io.nats.service.Service;
import io.nats.service.ServiceEndpoint;
import io.vertx.core.json.JsonObject;

/**
 * The NATS micro-service face of the worker: service {@code chat-workflow} answers
 * {@code $SRV.PING/INFO/STATS} and has one endpoint, {@code status} on {@code chat.workflow.status}, replying with this instance's
 * worker id, active answers, concurrency and whether it is draining.
 */
final class StatusService {
    static final String NAME = ServiceSubjects.WORKFLOW_SERVICE_NAME;
    static final String VERSION = "0.1.0";

    private StatusService() {
    }

    static Service start(Connection connection, String workerId, String provider, WorkflowConsumer consumer) {
        ServiceEndpoint status = ServiceEndpoint.builder()
                .endpointName("status")
                .endpointSubject(ServiceSubjects.WORKFLOW_STATUS)
                .handler(msg -> msg.respond(connection, new JsonObject()
                        .put("worker_id", workerId)
                        .put("provider", provider)
                        .put("active", consumer.active())
                        .put("concurrency", consumer.concurrency())
                        .put("draining", consumer.draining())
                        .encode()))
                .build();
        Service service = Service.builder()
                .connection(connection)
                .name(NAME)
                .version(VERSION)
                .description("Answers chat messages from WORKFLOW_REQUESTS and streams the chunks to the pods")
                .metadata(java.util.Map.of("worker_id", workerId))
                .addServiceEndpoint(status)
                .build();
        service.startService();
        return service;
    }
}
