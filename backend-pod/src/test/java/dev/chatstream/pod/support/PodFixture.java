package dev.chatstream.pod.support;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.config.Env;
import dev.chatstream.pod.app.PodApp;
import dev.chatstream.pod.config.PodConfig;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.testkit.RedisServer;
import dev.chatstream.wire.ChunkBatch;
import dev.chatstream.wire.BatchHeader;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.wire.PodFrame;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

import java.net.URI;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One real nats-server, one real redis-server and one in-process pod built by the composition root, for
 * a test class; plus a test-side NATS connection and HTTP/SSE clients.
 */
public final class PodFixture implements AutoCloseable {
    public final NatsServer nats;
    public final RedisServer redis;
    public final Connection client;
    public final Vertx vertx = Vertx.vertx();
    public final HttpClient sseHttp;
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .version(Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> env;
    public PodApp pod;
    private final MessageCodec codec = MessageCodec.standard();

    private PodFixture(Map<String, String> extraEnv, boolean withRedis) throws Exception {
        nats = NatsServer.start();
        redis = withRedis ? RedisServer.start() : null;
        env = new HashMap<>();
        env.put("NATS_URL", nats.url());
        env.put("REDIS_ENABLED", Boolean.toString(withRedis));
        if (withRedis) {
            env.put("REDIS_URL", redis.url());
        }
        env.put("POD_ID", "pod-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", Integer.toString(FreePorts.next()));
        env.put("MANAGEMENT_PORT", "0");
        env.put("REGISTRY_TTL", "3s");
        env.put("REGISTRY_REFRESH_INTERVAL", "300ms");
        env.put("HEARTBEAT_INTERVAL", "200ms");
        env.put("SSE_KEEPALIVE", "15s");
        env.put("SSE_RETRY", "1500");
        env.put("NATS_PUBLISH_TIMEOUT", "2s");
        env.put("CANCEL_TIMEOUT", "500ms");
        env.put("DRAIN_TIMEOUT", "3s");
        // Tests about streaming, not identity: no users. Identity tests set AUTH_MODE themselves.
        env.put("AUTH_MODE", "none");
        env.putAll(extraEnv);
        pod = PodApp.start(PodConfig.fromEnv(new Env(env)));
        client = Nats.connect(new Options.Builder().server(nats.url()).maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100)).build());
        sseHttp = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(pod.port()),
                new PoolOptions().setHttp1MaxSize(200));
    }

    public static PodFixture start() throws Exception {
        return new PodFixture(Map.of(), true);
    }

    public static PodFixture start(Map<String, String> extraEnv) throws Exception {
        return new PodFixture(extraEnv, true);
    }

    public static PodFixture withoutRedis(Map<String, String> extraEnv) throws Exception {
        return new PodFixture(extraEnv, false);
    }

    public String podId() {
        return env.get("POD_ID");
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + pod.port() + path);
    }

    public HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET on the pod's management port ({@code /metrics}, {@code /api/health}). */
    public HttpResponse<String> management(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pod.managementPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Opens an SSE stream and waits for the response head. */
    public SseClient stream(String sessionId, String... headers) {
        return SseClient.open(sseHttp, "/api/sessions/" + sessionId + "/stream", headers);
    }

    public SseClient streamPath(String path, String... headers) {
        return SseClient.open(sseHttp, path, headers);
    }

    /** The content chunks {@code texts} of one message as a batch body, ids from {@code firstChunkId}. */
    public byte[] batchBody(String sessionId, String messageId, long firstChunkId, List<String> texts) {
        List<byte[]> encoded = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            encoded.add(codec.encode(ResponseChunk.content(sessionId, messageId, firstChunkId + i, texts.get(i),
                    "corr", Instant.now())));
        }
        return ChunkBatch.join(encoded);
    }

    public Headers batchHeaders(String sessionId, String messageId, long firstChunkId, int count, int attempt) {
        return new Headers()
                .put(ChunkHeaders.SESSION_ID, sessionId)
                .put(ChunkHeaders.MESSAGE_ID, messageId)
                .put(ChunkHeaders.FIRST_CHUNK_ID, Long.toString(firstChunkId))
                .put(ChunkHeaders.CHUNK_COUNT, Integer.toString(count))
                .put(ChunkHeaders.ATTEMPT, Integer.toString(attempt))
                .put(ChunkHeaders.PUBLISHED_AT, Long.toString(TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis())));
    }

    /** Publishes a live batch (core NATS) to {@code subject}. */
    public void publishBatch(String subject, String sessionId, String messageId, long firstChunkId, int attempt,
                             List<String> texts) throws Exception {
        client.publish(NatsMessage.builder().subject(subject)
                .headers(batchHeaders(sessionId, messageId, firstChunkId, texts.size(), attempt))
                .data(batchBody(sessionId, messageId, firstChunkId, texts)).build());
        client.flush(Duration.ofSeconds(2));
    }

    /** One batch of a pod frame: chunks {@code firstChunkId}.. of {@code messageId} in {@code sessionId}. */
    public record FrameBatch(String sessionId, String messageId, long firstChunkId, List<String> texts) {
    }

    /** Publishes the batches as one {@link PodFrame} on this pod's subject, as a worker coalesces them. */
    public void toPodAsFrame(List<FrameBatch> batches) throws Exception {
        PodFrame.Writer frame = new PodFrame.Writer(1024);
        long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        for (FrameBatch b : batches) {
            frame.append(new BatchHeader(b.sessionId(), b.messageId(), b.firstChunkId(), b.texts().size(), 1, false, now),
                    0, "corr", null, batchBody(b.sessionId(), b.messageId(), b.firstChunkId(), b.texts()));
        }
        client.publish(NatsMessage.builder().subject(Subjects.podResponse(podId())).headers(PodFrame.headers())
                .data(frame.toBytes()).build());
        client.flush(Duration.ofSeconds(2));
    }

    public void toPod(String sessionId, String messageId, long firstChunkId, List<String> texts) throws Exception {
        publishBatch(Subjects.podResponse(podId()), sessionId, messageId, firstChunkId, 1, texts);
    }

    public void toBroadcast(String sessionId, String messageId, long firstChunkId, List<String> texts) throws Exception {
        publishBatch(Subjects.sessionBroadcast(sessionId), sessionId, messageId, firstChunkId, 1, texts);
    }

    /** Stores a batch in {@code CHAT_HISTORY}, as a worker does. */
    public void toHistory(String sessionId, String messageId, long firstChunkId, int attempt, List<String> texts)
            throws Exception {
        JetStream js = client.jetStream();
        js.publish(NatsMessage.builder().subject(Subjects.history(sessionId))
                .headers(batchHeaders(sessionId, messageId, firstChunkId, texts.size(), attempt))
                .data(batchBody(sessionId, messageId, firstChunkId, texts)).build());
    }

    /** A pod-side metric value from {@code /metrics}, or 0 when absent. */
    public double metric(String nameWithLabels) throws Exception {
        for (String line : management("/metrics").body().split("\n")) {
            if (line.startsWith(nameWithLabels + " ")) {
                return Double.parseDouble(line.substring(nameWithLabels.length() + 1).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() {
        try {
            if (pod != null) {
                pod.shutdown();
            }
        } catch (RuntimeException e) {
            // best effort
        }
        try {
            client.close();
        } catch (Exception e) {
            // best effort
        }
        vertx.close();
        nats.close();
        if (redis != null) {
            redis.close();
        }
    }
}
