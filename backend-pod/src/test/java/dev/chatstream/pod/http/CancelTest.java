package dev.chatstream.pod.http;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.WithPod;
import dev.chatstream.schemas.CancelReply;
import dev.chatstream.schemas.CancelRequest;
import dev.chatstream.subjects.Subjects;
import io.nats.client.Dispatcher;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
@WithPod
class CancelTest {
    private static final MessageCodec CODEC = MessageCodec.standard();
    private static PodFixture fixture;

    private static String sid() {
        return "c-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A fake worker answering cancels of {@code sid} with {@code status}. */
    private static Dispatcher worker(String sid, String status) throws Exception {
        Dispatcher dispatcher = fixture.client.createDispatcher(request -> {
            CancelRequest cancel = CODEC.decode(request.getData(), CancelRequest.class);
            fixture.client.publish(request.getReplyTo(), CODEC.encode(new CancelReply(cancel.messageId(), status)));
        });
        dispatcher.subscribe(Subjects.workflowCancel(sid));
        fixture.client.flush(Duration.ofSeconds(2));
        return dispatcher;
    }

    private static HttpResponse<String> cancel(String sid, String mid) throws Exception {
        return fixture.post("/api/sessions/" + sid + "/messages/" + mid + "/cancel", "");
    }

    @Test
    @DisplayName("a worker that stops the message makes the cancel a 202")
    void cancelled() throws Exception {
        String sid = sid();
        Dispatcher dispatcher = worker(sid, CancelReply.CANCELLED);
        try {
            HttpResponse<String> response = cancel(sid, "m1");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(new JsonObject(response.body()).getString("message_id")).isEqualTo("m1");
        } finally {
            fixture.client.closeDispatcher(dispatcher);
        }
    }

    @Test
    @DisplayName("a worker that already finished the message makes the cancel a 409")
    void finished() throws Exception {
        String sid = sid();
        Dispatcher dispatcher = worker(sid, CancelReply.FINISHED);
        try {
            HttpResponse<String> response = cancel(sid, "m1");
            assertThat(response.statusCode()).isEqualTo(409);
            assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code")).isEqualTo("already_finished");
        } finally {
            fixture.client.closeDispatcher(dispatcher);
        }
    }

    @Test
    @DisplayName("with no worker answering the cancel is a JSON 404")
    void nobodyAnswers() throws Exception {
        HttpResponse<String> response = cancel(sid(), "m1");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code")).isEqualTo("message_not_found");
    }

    @Test
    @DisplayName("a worker that never replies within CANCEL_TIMEOUT also gives a 404, not a 500")
    void silentWorker() throws Exception {
        String sid = sid();
        Dispatcher dispatcher = fixture.client.createDispatcher(request -> { });
        dispatcher.subscribe(Subjects.workflowCancel(sid));
        fixture.client.flush(Duration.ofSeconds(2));
        try {
            long start = System.nanoTime();
            assertThat(cancel(sid, "m1").statusCode()).isEqualTo(404);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded by CANCEL_TIMEOUT").isLessThan(Duration.ofSeconds(2));
        } finally {
            fixture.client.closeDispatcher(dispatcher);
        }
    }

    @Test
    @DisplayName("a message id that is not a token is a 400")
    void invalidMessageId() throws Exception {
        for (String mid : new String[]{"a.b", "%2A", "%20", "x".repeat(65)}) {
            HttpResponse<String> response = cancel(sid(), mid);
            assertThat(response.statusCode()).as(mid).isEqualTo(400);
            assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code")).isEqualTo("invalid_message_id");
        }
    }
}
