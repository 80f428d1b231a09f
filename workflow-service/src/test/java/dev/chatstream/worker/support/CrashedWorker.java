package dev.chatstream.worker.support;

import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullRequestOptions;
import io.nats.client.PullSubscribeOptions;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Plays a worker that took a request from the shared consumer and died before streaming or acking anything. */
public final class CrashedWorker {

    private CrashedWorker() {
    }

    /**
     * Publishes {@code request} (through {@code js}) while a pull on its own connection to {@code natsUrl} waits
     * for it, takes the delivery and closes that connection without an ack; returns the delivery taken.
     */
    public static Message takeFirstDelivery(String natsUrl, JetStream js, WorkflowRequest request) throws Exception {
        try (Connection crashing = Nats.connect(new Options.Builder().server(natsUrl).build())) {
            JetStreamSubscription sub = crashing.jetStream().subscribe(Subjects.WORKFLOW_EXECUTE_ALL,
                    PullSubscribeOptions.bind(StreamDefinitions.WORKFLOW_REQUESTS, StreamDefinitions.WORKFLOW_WORKERS));
            sub.pull(PullRequestOptions.builder(1).expiresIn(Duration.ofSeconds(5)).build());
            crashing.flush(Duration.ofSeconds(2));
            Requests.publish(js, request);
            Message taken = sub.nextMessage(Duration.ofSeconds(5));
            assertThat(taken).as("the crashing worker's delivery").isNotNull();
            return taken;
        }
    }
}
