package dev.chatstream.worker.app;

import dev.chatstream.streams.JetStreamProvisioner;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.telemetry.TraceMdc;
import dev.chatstream.worker.config.RegistrySettings;
import dev.chatstream.worker.config.WorkerConfig;
import dev.chatstream.worker.consumer.PullErrorLog;
import dev.chatstream.worker.consumer.WorkflowConsumer;
import dev.chatstream.worker.fanout.ChunkTransport;
import dev.chatstream.worker.metrics.WorkerMetrics;
import dev.chatstream.worker.provider.ProviderCatalog;
import dev.chatstream.worker.provider.ProviderPolicy;
import dev.chatstream.worker.registry.AnswerLedger;
import dev.chatstream.worker.registry.RedisAnswerLedger;
import dev.chatstream.worker.registry.HeartbeatTracker;
import dev.chatstream.worker.registry.RedisRegistryReader;
import dev.chatstream.worker.registry.SessionRegistry;
import dev.chatstream.worker.registry.SessionRoutes;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.service.Service;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.RedisOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The composition root: builds the NATS, Redis and Vert.x clients from a {@link WorkerConfig},
 * provisions the streams, wires providers, registry, fan-out and consumer, and starts them. Nothing
 * else constructs infrastructure. {@link #stop()} shuts down in the reverse order.
 */
public final class WorkflowApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkflowApp.class);
    public static final String READY_LINE = "workflow-service ready";

    private final WorkerConfig config;
    private final Vertx vertx;
    private final Connection connection;
    private final WorkflowConsumer consumer;
    private final Service service;
    private final Redis redis;
    private final PrometheusMeterRegistry meters;
    private final SessionRegistry registry;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private WorkflowApp(WorkerConfig config, Vertx vertx, Connection connection, WorkflowConsumer consumer,
                        Service service, Redis redis, PrometheusMeterRegistry meters, SessionRegistry registry) {
        this.config = config;
        this.vertx = vertx;
        this.connection = connection;
        this.consumer = consumer;
        this.service = service;
        this.redis = redis;
        this.meters = meters;
        this.registry = registry;
    }

    /** Starts a worker; blocking until it is ready (logs {@value #READY_LINE}). */
    public static WorkflowApp start(WorkerConfig config) throws Exception {
        Clock clock = Clock.systemUTC();
        String workerId = config.consumer().workerId();
        TraceMdc.fixedField("worker_id", workerId);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(false));
        try {
            Connection connection = connect(config, workerId);
            JetStreamManagement management = connection.jetStreamManagement();
            JetStream jetStream = connection.jetStream();
            for (JetStreamProvisioner.Change change : new JetStreamProvisioner(management).apply(config.streams())) {
                LOG.info("stream {}: {}", change.name(), change.outcome());
            }

            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            meters.config().commonTags("worker_id", workerId);
            WorkerMetrics metrics = new WorkerMetrics(meters);
            metrics.gaugeNatsConnected(() -> connection.getStatus() == Connection.Status.CONNECTED);

            HeartbeatTracker heartbeats = new HeartbeatTracker(config.registry().heartbeatStaleAfter(), System::nanoTime);
            Dispatcher heartbeatDispatcher = connection.createDispatcher();
            heartbeatDispatcher.subscribe(Subjects.POD_HEARTBEAT_ALL, msg -> {
                metrics.received("heartbeat");
                String pod = Subjects.podOfHeartbeat(msg.getSubject());
                if (pod != null) {
                    heartbeats.heard(pod, msg.getData());
                }
            });
            vertx.setPeriodic(60_000, id -> heartbeats.forgetLongGone());

            Redis redis = config.registry().redisEnabled() ? redis(vertx, config.registry()) : null;
            if (redis != null) {
                warmUp(redis);
            }
            SessionRegistry registry = redis == null ? SessionRegistry.NONE
                    : new RedisRegistryReader(redis, registryBreaker(vertx, config.registry()), clock);
            SessionRoutes routes = new SessionRoutes(registry, heartbeats, config.registry().rereadInterval());

            List<Context> contexts = new CopyOnWriteArrayList<>();
            // One answer loop per core, not Vert.x's two: paced answers on fewer loops share each loop's timer
            // ticks, pod frames and NATS writes, and nothing here blocks a loop (A/B at 200 paced answers: the
            // worker's CPU per chunk -10 %, docs/benchmarks.md §9).
            int loops = Runtime.getRuntime().availableProcessors();
            vertx.deployVerticle(() -> new AnswerLoop(contexts), new DeploymentOptions().setInstances(loops))
                    .await(10, TimeUnit.SECONDS);

            ChunkTransport transport = new ChunkTransport(connection, jetStream, config.fanout(), metrics,
                    GlobalOpenTelemetry.get());
            ProviderCatalog providers = ProviderCatalog.create(vertx, config.provider());
            WorkflowConsumer consumer = WorkflowConsumer.start(vertx, contexts, connection, jetStream, management,
                    transport, providers, new ProviderPolicy(config.policy()),
                    redis == null ? AnswerLedger.NONE : new RedisAnswerLedger(redis), routes, metrics, GlobalOpenTelemetry.get(), config.consumer(),
                    config.streams(), clock);
            Service service = StatusService.start(connection, workerId, providers.defaultName(), consumer);

            WorkflowApp app = new WorkflowApp(config, vertx, connection, consumer, service, redis, meters, registry);
            if (config.httpPort() > 0) {
                vertx.deployVerticle(new OpsHttpServer(config.httpPort(), app::ready, meters)).await(10, TimeUnit.SECONDS);
            }
            LOG.info("{} worker_id={} provider={} concurrency={} nats={} redis={} http_port={}", READY_LINE, workerId,
                    providers.defaultName(), config.consumer().concurrency(), connection.getConnectedUrl(),
                    redis == null ? "disabled" : config.registry().redisUrl().getHost() + ":" + config.registry().redisUrl().getPort(),
                    config.httpPort());
            return app;
        } catch (Exception | Error e) {
            vertx.close();
            throw e;
        }
    }

    private static Connection connect(WorkerConfig config, String workerId) throws IOException, InterruptedException {
        // jnats reconnects forever once connected; the first connect is retried here the same way.
        while (true) {
            try {
                return Nats.connect(config.nats().options("workflow-service-" + workerId)
                        .connectionListener((conn, event) -> LOG.info("nats connection: {}", event))
                        .errorListener(new PullErrorLog())
                        .build());
            } catch (IOException e) {
                LOG.warn("cannot connect to NATS yet ({}); retrying", e.getMessage());
                Thread.sleep(1000);
            }
        }
    }

    private static Redis redis(Vertx vertx, RegistrySettings settings) {
        return Redis.createClient(vertx, new RedisOptions()
                .setConnectionString(settings.redisUrl().toString())
                .setMaxPoolSize(16)
                .setMaxPoolWaiting(1024));
    }

    /** Opens the first pooled connection now, so the first lookups do not pay for it against their timeout. */
    private static void warmUp(Redis redis) {
        try {
            redis.send(Request.cmd(Command.PING)).await(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("session registry not reachable at start ({}); answers are broadcast until it is", e.toString());
        }
    }

    private static CircuitBreaker registryBreaker(Vertx vertx, RegistrySettings settings) {
        CircuitBreaker breaker = CircuitBreaker.create("session-registry", vertx, new CircuitBreakerOptions()
                .setMaxFailures(settings.breakerMaxFailures())
                .setTimeout(settings.lookupTimeout().toMillis())
                .setResetTimeout(settings.breakerReset().toMillis())
                .setNotificationAddress(null));
        breaker.openHandler(v -> LOG.warn("session registry unavailable: broadcasting until it recovers"))
                .closeHandler(v -> LOG.info("session registry available again"));
        return breaker;
    }

    /** Ready: connected to NATS and not draining. */
    public boolean ready() {
        return connection.getStatus() == Connection.Status.CONNECTED && !consumer.draining();
    }

    public String workerId() {
        return config.consumer().workerId();
    }

    public int activeAnswers() {
        return consumer.active();
    }

    /** Whether registry lookups are answered right now (false while its breaker is open or Redis is off). */
    public boolean registryAvailable() {
        return registry.available();
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /**
     * Graceful stop (SIGTERM): stop pulling at once, let in-flight answers finish within
     * {@code SHUTDOWN_TIMEOUT}, hand back the rest, drain NATS, close Vert.x. Idempotent.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        LOG.info("workflow-service stopping");
        try {
            consumer.shutdown(config.consumer().shutdownTimeout());
            service.stop();
            connection.drain(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("shutdown was not clean: {}", e.toString());
        } finally {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (redis != null) {
                redis.close();
            }
            try {
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("closing Vert.x: {}", e.toString());
            }
            LOG.info("workflow-service stopped");
        }
    }

    @Override
    public void close() {
        stop();
    }
}
