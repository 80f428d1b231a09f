package dev.chatstream.loadtest.run;

import dev.chatstream.loadtest.metrics.RunMetrics;
import dev.chatstream.loadtest.sse.Targets;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Posts messages at a fixed rate, open loop: every millisecond it sends what the schedule says is
 * due, whatever the server's answers take, so a slow server shows up as latency rather than as a
 * quietly lower rate. Each POST carries an {@code Idempotency-Key} that becomes the message id.
 */
final class MessageSender {
    /** Past this many unanswered POSTs new ones are skipped and counted as {@code post_backlog}. */
    private static final int MAX_IN_FLIGHT = 10_000;

    private final Vertx vertx;
    private final HttpClient client;
    private final List<URI> targets;
    private final List<String> sessions;
    private final MessageBook book;
    private final dev.chatstream.loadtest.auth.Identities identities;
    private final RunMetrics metrics;
    private final SendSchedule schedule;
    /** Messages to send in all; 0: no limit. */
    private final long limit;
    private final String idPrefix;
    private final Buffer bodyTemplateStart;
    private final Buffer bodyTemplateEnd;
    private final AtomicInteger inFlight = new AtomicInteger();
    private long timerId = -1;
    private long startNanos;
    private long scheduled;

    MessageSender(Vertx vertx, HttpClient client, List<URI> targets, List<String> sessions, MessageBook book,
                  dev.chatstream.loadtest.auth.Identities identities, RunMetrics metrics, double rate, Duration ramp,
                  long limit, int maxTokens, String idPrefix) {
        this.vertx = vertx;
        this.client = client;
        this.targets = targets;
        this.sessions = sessions;
        this.book = book;
        this.identities = identities;
        this.metrics = metrics;
        this.schedule = new SendSchedule(rate, ramp);
        this.limit = limit;
        this.idPrefix = idPrefix;
        this.bodyTemplateStart = Buffer.buffer("{\"message\":\"load test message ");
        this.bodyTemplateEnd = Buffer.buffer("\",\"context\":{\"ai_provider\":\"demo\",\"max_tokens\":" + maxTokens + "}}");
    }

    void start() {
        vertx.runOnContext(v -> {
            startNanos = System.nanoTime();
            timerId = vertx.setPeriodic(1, id -> sendDue());
        });
    }

    void stop() {
        vertx.runOnContext(v -> vertx.cancelTimer(timerId));
    }

    private void sendDue() {
        long due = schedule.dueBy(System.nanoTime() - startNanos);
        if (limit > 0) {
            due = Math.min(due, limit);
        }
        while (scheduled < due) {
            send(scheduled++);
        }
    }

    private void send(long n) {
        if (inFlight.get() >= MAX_IN_FLIGHT) {
            metrics.error("post_backlog");
            return;
        }
        String sessionId = sessions.get((int) (n % sessions.size()));
        URI target = targets.get((int) (n % targets.size()));
        String messageId = idPrefix + n;
        Buffer body = bodyTemplateStart.copy().appendString(Long.toString(n)).appendBuffer(bodyTemplateEnd);
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(target.getHost())
                .setPort(Targets.port(target))
                .setSsl(Targets.tls(target))
                .setURI("/api/sessions/" + sessionId + "/messages")
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("Idempotency-Key", messageId);
        identities.forSession(sessionId).applyTo(options);
        inFlight.incrementAndGet();
        metrics.sent.increment();
        long sent = System.nanoTime();
        MessageBook.Posted posted = book.register(messageId, sessionId, sent);
        client.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(answer -> new Answer(response, answer)))
                .onComplete(ar -> {
                    inFlight.decrementAndGet();
                    if (ar.failed()) {
                        metrics.error("post_" + kind(ar.cause()));
                        return;
                    }
                    metrics.recordPost(System.nanoTime() - sent);
                    accept(posted, ar.result());
                });
    }

    private record Answer(HttpClientResponse response, Buffer body) {
    }

    private void accept(MessageBook.Posted posted, Answer answer) {
        int status = answer.response().statusCode();
        if (status != 202) {
            metrics.error("post_status_" + status);
            return;
        }
        posted.accepted = true;
        metrics.acked.increment();
        String serverId;
        try {
            serverId = new JsonObject(answer.body()).getString("message_id");
        } catch (RuntimeException e) {
            metrics.error("post_body_unreadable");
            return;
        }
        if (serverId == null) {
            metrics.error("post_body_without_message_id");
        } else if (!serverId.equals(posted.messageId)) {
            metrics.error("idempotency_key_not_used_as_message_id");
            posted.accepted = false;
            book.alias(serverId, posted);
        }
    }

    private static String kind(Throwable e) {
        String name = e.getClass().getSimpleName();
        return name.isEmpty() || name.equals("NoStackTraceThrowable") ? "failed" : name;
    }
}
