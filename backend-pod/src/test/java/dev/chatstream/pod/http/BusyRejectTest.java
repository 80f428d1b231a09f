package dev.chatstream.pod.http;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.BusyPolicy;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code BUSY_POLICY=reject} on a pod with no workers: a request stays stored in {@code WORKFLOW_REQUESTS} (as it
 * does while a worker streams its answer), so its session is busy until the request leaves the stream.
 */
@Timeout(60)
class BusyRejectTest {
    private static PodFixture fixture;
    private static JetStreamManagement jsm;

    @BeforeAll
    static void start() throws Exception {
        fixture = PodFixture.start(Map.of("BUSY_POLICY", "reject"));
        jsm = fixture.client.jetStreamManagement();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    @DisplayName("a message while the session's previous one is stored is 409 session_busy with Retry-After, and not stored")
    void secondMessageIsRefused() throws Exception {
        String sid = session();
        assertThat(post(sid, null).statusCode()).isEqualTo(202);

        HttpResponse<String> busy = post(sid, null);
        assertThat(busy.statusCode()).as(busy.body()).isEqualTo(409);
        assertThat(new JsonObject(busy.body()).getJsonObject("error").getString("code")).isEqualTo("session_busy");
        assertThat(busy.headers().firstValue("Retry-After")).isPresent();
        assertThat(stored(sid)).isEqualTo(1);
    }

    @Test
    @DisplayName("the AI SDK route refuses alike, before any stream starts")
    void aiSdkRouteIsRefused() throws Exception {
        String sid = session();
        assertThat(post(sid, null).statusCode()).isEqualTo(202);
        String chat = new JsonObject().put("id", sid).put("messages", new JsonArray().add(new JsonObject()
                .put("id", "u1").put("role", "user").put("parts", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "and me"))))).encode();

        HttpResponse<String> busy = fixture.post("/api/chat", chat);
        assertThat(busy.statusCode()).as(busy.body()).isEqualTo(409);
        assertThat(new JsonObject(busy.body()).getJsonObject("error").getString("code")).isEqualTo("session_busy");
        assertThat(stored(sid)).isEqualTo(1);
    }

    @Test
    @DisplayName("a retried POST of the stored message (same Idempotency-Key) is still 202, and another session is not busy")
    void retriesAndOtherSessionsPass() throws Exception {
        String sid = session();
        String key = "k-" + UUID.randomUUID();
        assertThat(post(sid, key).statusCode()).isEqualTo(202);
        assertThat(post(sid, key).statusCode()).isEqualTo(202);
        assertThat(post(session(), null).statusCode()).isEqualTo(202);
        assertThat(stored(sid)).isEqualTo(1);
    }

    @Test
    @DisplayName("once the stored request leaves the stream (its answer ended), the session takes a message again")
    void freeAfterTheRequestLeaves() throws Exception {
        String sid = session();
        assertThat(post(sid, null).statusCode()).isEqualTo(202);
        MessageInfo request = jsm.getFirstMessage(StreamDefinitions.WORKFLOW_REQUESTS, Subjects.workflowExecute(sid));
        assertThat(BusyPolicy.of(request.getHeaders())).as("the pod stamps its policy").isEqualTo(BusyPolicy.REJECT);

        jsm.deleteMessage(StreamDefinitions.WORKFLOW_REQUESTS, request.getSeq());

        assertThat(post(sid, null).statusCode()).isEqualTo(202);
    }

    private static HttpResponse<String> post(String sid, String key) throws Exception {
        String path = "/api/sessions/" + sid + "/messages";
        return key == null ? fixture.post(path, "{\"message\":\"m\"}")
                : fixture.post(path, "{\"message\":\"m\"}", MessageIntake.IDEMPOTENCY_KEY, key);
    }

    /** How many requests of {@code sid} the work queue holds. */
    private static long stored(String sid) throws Exception {
        String subject = Subjects.workflowExecute(sid);
        List<Subject> subjects = jsm.getStreamInfo(StreamDefinitions.WORKFLOW_REQUESTS, StreamInfoOptions.filterSubjects(subject))
                .getStreamState().getSubjects();
        return subjects == null ? 0 : subjects.stream().filter(s -> s.getName().equals(subject)).mapToLong(Subject::getCount).sum();
    }

    private static String session() {
        return "s-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
