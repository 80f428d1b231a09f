package dev.chatstream.pod.app;

import dev.chatstream.pod.config.AuthSettings;
import dev.chatstream.pod.config.PodConfig;
import dev.chatstream.pod.fairuse.AnswerAdmission;
import dev.chatstream.pod.fairuse.ClientAddress;
import dev.chatstream.pod.fairuse.StreamLimits;
import dev.chatstream.pod.http.MeHandler;
import dev.chatstream.pod.http.OwnershipHandler;
import dev.chatstream.pod.http.StreamLimitHandler;
import dev.chatstream.pod.identity.Authenticator;
import dev.chatstream.pod.identity.Authenticators;
import dev.chatstream.pod.intake.IdempotencyRecords;
import dev.chatstream.pod.ownership.SessionOwners;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.pod.config.RegistrySettings;
import dev.chatstream.pod.http.AuthHandler;
import dev.chatstream.pod.http.CancelHandler;
import dev.chatstream.pod.http.TurnsHandler;
import dev.chatstream.pod.nats.ConversationReader;
import dev.chatstream.pod.http.ChatStopHandler;
import dev.chatstream.pod.http.MessageIntake;
import dev.chatstream.pod.http.MessagePublisher;
import dev.chatstream.pod.http.OpsHandlers;
import dev.chatstream.pod.http.OriginCheck;
import dev.chatstream.pod.http.RequestTracing;
import dev.chatstream.pod.lifecycle.Lifecycle;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.nats.ChunkSubscriber;
import dev.chatstream.pod.nats.HistoryReplayer;
import dev.chatstream.pod.nats.HistoryTail;
import dev.chatstream.pod.nats.PodNats;
import dev.chatstream.pod.nats.PodPresence;
import dev.chatstream.pod.registry.RedisRegistryWriter;
import dev.chatstream.pod.registry.SessionRegistry;
import dev.chatstream.pod.resume.SharedReplays;
import dev.chatstream.pod.routing.SessionRouter;
import dev.chatstream.pod.sse.AiChatHandler;
import dev.chatstream.pod.sse.SseStreamHandler;
import dev.chatstream.telemetry.TraceMdc;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The composition root: builds the NATS connection, the Redis registry, the router and the HTTP verticles
 * from a {@link PodConfig}, and takes them down again. Nothing else constructs infrastructure.
 */
public final class PodApp {
    private static final Logger LOG = LoggerFactory.getLogger(PodApp.class);
    private static final long STREAM_SWEEP_MS = 1_000;

    private final PodConfig config;
    private final Vertx vertx;
    private final PodNats nats;
    private final PodMetrics metrics;
    private final SessionRouter router;
    private final SessionRegistry registry;
    private final Lifecycle lifecycle;
    private final SseStreamHandler stream;
    private final int port;
    private final int managementPort;
    private volatile Future<Void> shutdown;

    private PodApp(PodConfig config, Vertx vertx, PodNats nats, PodMetrics metrics, SessionRouter router,
                   SessionRegistry registry, Lifecycle lifecycle, SseStreamHandler stream, int port, int managementPort) {
        this.config = config;
        this.vertx = vertx;
        this.nats = nats;
        this.metrics = metrics;
        this.router = router;
        this.registry = registry;
        this.lifecycle = lifecycle;
        this.stream = stream;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** Starts the pod; blocks until NATS is connected and the HTTP port listens. */
    public static PodApp start(PodConfig config) throws Exception {
        TraceMdc.fixedField("pod_id", config.podId());
        PodMetrics metrics = new PodMetrics();
        // Each running history replay (one per session at a time, shared by its connections) holds a worker
        // thread for a few round trips: room for mass reconnects across many sessions.
        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(64));
        AuthSettings auth = config.auth();
        Authenticator authenticator;
        PodNats nats;
        try {
            // Before NATS: an unusable key must stop the start at once, not after a connection.
            authenticator = Authenticators.create(auth, guestSecret(auth, config.podId()), vertx);
            nats = PodNats.connect(config.nats(), config.podId(), metrics);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
        try {
            SessionRouter router = new SessionRouter(metrics);
            Redis redis = config.registry().enabled() ? redis(vertx, config.registry()) : null;
            SessionRegistry registry = redis == null ? SessionRegistry.disabled()
                    : new RedisRegistryWriter(vertx, redis, config.registry(), config.podId(), router::sessionIds,
                    router::holds, metrics);
            router.listener(new SessionRouter.Listener() {
                @Override
                public void sessionOpened(String sessionId) {
                    registry.sessionOpened(sessionId);
                }

                @Override
                public void sessionClosed(String sessionId) {
                    registry.sessionClosed(sessionId);
                }
            });
            Lifecycle lifecycle = new Lifecycle(nats::connected);
            new ChunkSubscriber(nats, router, metrics).start(config.podId());
            PodPresence presence = new PodPresence(nats, config.podId(), router::connectionCount, lifecycle::status,
                    () -> registry.enabled() ? registry.reachable() : null, metrics);
            presence.start();

            SharedReplays replays = new SharedReplays(vertx, router, new HistoryReplayer(nats, metrics),
                    config.sse().replayTimeout(), metrics, config.podId());
            nats.onReconnect(replays::natsReconnected);
            SseStreamHandler stream = new SseStreamHandler(router, replays, config.sse(), lifecycle, metrics, config.podId());
            OpsHandlers ops = new OpsHandlers(config.podId(), lifecycle, nats, registry, metrics, router::connectionCount);
            AnswerAdmission admission = new AnswerAdmission(redis, config.fairUse(), metrics);
            StreamLimits streamLimits = new StreamLimits(config.fairUse().maxStreamsPerUser(), config.fairUse().maxStreamsPerIp());
            vertx.setPeriodic(STREAM_SWEEP_MS, id -> streamLimits.sweep());
            MessagePublisher publisher = new MessagePublisher(nats, metrics, new RequestTracing(), config.defaultAiProvider(),
                    config.podId(), admission, new IdempotencyRecords(nats.bucket(StreamDefinitions.IDEMPOTENCY_KEYS), vertx),
                    config.busyPolicy());
            CancelHandler cancel = new CancelHandler(nats, config.nats().cancelTimeout(), config.podId(), admission);
            HistoryTail historyTail = new HistoryTail(nats);
            PodRoutes routes = new PodRoutes(new AuthHandler(authenticator, metrics), new MeHandler(auth.mode()),
                    auth.mode() == AuthSettings.Mode.NONE ? RoutingContext::next
                            : new OwnershipHandler(new SessionOwners(nats.bucket(StreamDefinitions.SESSION_OWNERS), vertx, nats::connected)),
                    new StreamLimitHandler(streamLimits, new ClientAddress(config.fairUse().trustedProxies()), metrics),
                    new MessageIntake(publisher, metrics), cancel,
                    new TurnsHandler(new ConversationReader(vertx, nats, config.sse().replayTimeout())),
                    stream, ops, config.http().maxMessageBytes(),
                    new OriginCheck(config.http().corsAllowedOrigins()),
                    new AiChatHandler(router, replays, historyTail, publisher, config.sse(), lifecycle, metrics),
                    new ChatStopHandler(historyTail, cancel));
            int port = deployHttp(vertx, config, routes);
            ManagementVerticle management = new ManagementVerticle(config.http(), ops);
            vertx.deployVerticle(management).await(30, TimeUnit.SECONDS);

            vertx.deployVerticle(new MaintenanceVerticle(presence, config.nats().heartbeatInterval(), registry, router,
                    config.sse().keepAlive())).await(30, TimeUnit.SECONDS);
            return new PodApp(config, vertx, nats, metrics, router, registry, lifecycle, stream, port,
                    management.actualPort());
        } catch (Exception e) {
            vertx.close();
            nats.close();
            throw e;
        }
    }

    private static Redis redis(Vertx vertx, RegistrySettings settings) {
        RedisOptions options = new RedisOptions()
                .setConnectionString(settings.redisUrl().toString())
                .setMaxPoolSize(4)
                .setMaxPoolWaiting(1024)
                .setNetClientOptions(new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true));
        return Redis.createClient(vertx, options);
    }

    /**
     * The secret guest cookies are signed with: {@code AUTH_GUEST_SECRET}, or a random one of this process
     * (then a guest's identity holds on this pod only, and until it restarts: said once at start).
     */
    private static byte[] guestSecret(AuthSettings auth, String podId) {
        if (auth.mode() == AuthSettings.Mode.NONE) {
            LOG.atWarn().addKeyValue("pod_id", podId).log("AUTH_MODE=none: requests carry no identity; every caller "
                    + "can read, post to and cancel every session");
            return null;
        }
        if (auth.mode() != AuthSettings.Mode.GUEST || auth.guestSecret().isPresent()) {
            return auth.guestSecret().orElse(null);
        }
        LOG.atWarn().addKeyValue("pod_id", podId).log("AUTH_GUEST_SECRET is not set: guest identities hold on this pod "
                + "only and end when it restarts; set the same secret on every pod");
        byte[] secret = new byte[48];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    private static int deployHttp(Vertx vertx, PodConfig config, PodRoutes routes) throws Exception {
        // Port 0 cannot be shared reliably between instances: one listener then.
        int instances = config.http().port() == 0 ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
        List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
        vertx.deployVerticle(() -> {
                    HttpVerticle verticle = new HttpVerticle(config.http(), routes);
                    verticles.add(verticle);
                    return verticle;
                }, new DeploymentOptions().setInstances(instances))
                .await(30, TimeUnit.SECONDS);
        return verticles.get(0).actualPort();
    }

    public int port() {
        return port;
    }

    /** The management port: metrics and health, for probes and Prometheus, not for the Ingress. */
    public int managementPort() {
        return managementPort;
    }

    public PodConfig config() {
        return config;
    }

    public PodMetrics metrics() {
        return metrics;
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    public SessionRouter router() {
        return router;
    }

    /**
     * The first half of shutdown: readiness goes false, this pod's registry entries are removed, every
     * stream gets a final {@code retry:} hint and is closed so its client resumes on another pod. Completes
     * once every stream is closed or {@code timeout} passed. The HTTP server keeps answering probes.
     */
    public Future<Void> drain(Duration timeout) {
        lifecycle.startDraining();
        LOG.atInfo().addKeyValue("pod_id", config.podId()).addKeyValue("active_connections", router.connectionCount())
                .log("draining");
        Promise<Void> closed = Promise.promise();
        long deadline = System.nanoTime() + timeout.toNanos();
        registry.removeAll(router.sessionIds())
                .onComplete(ignored -> {
                    router.closeAll(stream.retryHint());
                    vertx.setPeriodic(20, id -> {
                        if (router.connectionCount() == 0 || System.nanoTime() > deadline) {
                            vertx.cancelTimer(id);
                            closed.tryComplete();
                        }
                    });
                });
        return closed.future();
    }

    /**
     * Full shutdown within {@code DRAIN_TIMEOUT}: drain, then drain the NATS connection and close Vert.x.
     * Idempotent; blocks the caller.
     */
    public synchronized void shutdown() {
        if (shutdown != null) {
            return;
        }
        long start = System.nanoTime();
        Duration budget = config.drainTimeout();
        shutdown = drain(budget.multipliedBy(6).dividedBy(10));
        try {
            shutdown.await(budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.atWarn().log("streams did not all close in time: " + e);
        }
        Duration left = budget.minusNanos(System.nanoTime() - start);
        nats.drain(left.isNegative() || left.toMillis() < 200 ? Duration.ofMillis(200) : left.dividedBy(2));
        try {
            vertx.close().await(Math.max(200, left.toMillis() / 2), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.atWarn().log("Vert.x did not close in time: " + e);
        }
        LOG.atInfo().addKeyValue("pod_id", config.podId())
                .addKeyValue("shutdown_ms", Duration.ofNanos(System.nanoTime() - start).toMillis()).log("backend-pod stopped");
    }
}
