package dev.chatstream.worker.app;

import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.worker.support.ChunkProbe;
import dev.chatstream.worker.support.Requests;
import dev.chatstream.worker.support.TestWorkers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class OpsHttpTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static NatsServer nats;
    private static Connection nc;
    private static WorkflowApp worker;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        nc = Nats.connect(new Options.Builder().server(nats.url()).build());
        port = FreePorts.next();
        Map<String, String> env = TestWorkers.env(nats.url(), null);
        env.put("HTTP_PORT", Integer.toString(port));
        worker = TestWorkers.start(env);
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.stop();
        }
        if (nc != null) {
            nc.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("serves /livez, /readyz and Prometheus metrics with the request, TTFT, chunk and NATS counters")
    void servesHealthAndMetrics() throws Exception {
        assertThat(get("/livez").statusCode()).isEqualTo(200);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        String sid = Requests.id("s");
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = Requests.demo(sid, 4);
            Requests.publish(nc.jetStream(), request);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.hasFinal(request.messageId()));
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get("/metrics").body())
                .contains("chat_workflow_requests_total{outcome=\"stop\"")
                .contains("chat_ttft_seconds_bucket")
                .contains("chat_chunks_published_total")
                .contains("chat_nats_published_total{kind=\"history\"")
                .contains("chat_nats_received_total{kind=\"request\"")
                .contains("chat_history_batch_chunks"));
        assertThat(get("/nope").statusCode()).isEqualTo(404);
    }
}
