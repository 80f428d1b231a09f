package dev.chatstream.pod.fairuse;

import dev.chatstream.pod.config.FairUseSettings;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.registry.RegistryKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission of a POST for a user, cluster-wide, in one Redis script: the user's message token bucket
 * ({@link RegistryKeys#messageRate}) and the active-answer ledger ({@link RegistryKeys#activeAnswers}:
 * drop expired members, count, add). The worker removes the ledger member when the answer ends; a lost
 * one expires {@link #LEDGER_SLACK} after {@code ANSWER_MAX_DURATION}. Redis down or disabled: admitted
 * unchecked (fail open) with a WARN line at most every {@link #WARN_EVERY} and a metric.
 */
public final class AnswerAdmission {
    /** Room for queueing and the final chunk past {@code ANSWER_MAX_DURATION} before a ledger entry lapses. */
    public static final Duration LEDGER_SLACK = Duration.ofSeconds(30);
    static final Duration WARN_EVERY = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(AnswerAdmission.class);

    /**
     * KEYS: ledger, bucket. ARGV: now ms, message id, ledger expiry ms, max answers, burst, tokens per ms.
     * Returns {0} admitted (also for a message already in the ledger: a retry), {1, wait ms} rate limited,
     * {2} too many answers. A refusal takes no token.
     */
    static final String SCRIPT = """
            local now = tonumber(ARGV[1])
            if redis.call('ZSCORE', KEYS[1], ARGV[2]) then return {0} end
            local burst = tonumber(ARGV[5])
            local rate = tonumber(ARGV[6])
            local b = redis.call('HMGET', KEYS[2], 'tokens', 'at')
            local tokens = tonumber(b[1]) or burst
            local at = tonumber(b[2]) or now
            tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
            if tokens < 1 then return {1, math.ceil((1 - tokens) / rate)} end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return {2} end
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
            redis.call('PEXPIREAT', KEYS[1], ARGV[3], 'GT')
            if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIREAT', KEYS[1], ARGV[3]) end
            redis.call('HSET', KEYS[2], 'tokens', tostring(tokens - 1), 'at', ARGV[1])
            redis.call('PEXPIRE', KEYS[2], math.ceil(burst / rate) + 1000)
            return {0}
            """;

    /** What admission decided. */
    public sealed interface Decision {
        /** Go on. */
        record Admitted() implements Decision {
        }

        /** The user's message bucket is empty; a token is back in {@code retryAfter}. */
        record RateLimited(Duration retryAfter) implements Decision {
        }

        /** The user has {@code MAX_ACTIVE_ANSWERS_PER_USER} answers generating. */
        record TooManyAnswers() implements Decision {
        }
    }

    private static final Decision ADMITTED = new Decision.Admitted();

    private final Redis redis;
    private final FairUseSettings settings;
    private final PodMetrics metrics;
    private final AtomicLong lastWarn = new AtomicLong();

    /** {@code redis} null: Redis is disabled and every POST is admitted unchecked. */
    public AnswerAdmission(Redis redis, FairUseSettings settings, PodMetrics metrics) {
        this.redis = redis;
        this.settings = settings;
        this.metrics = metrics;
    }

    /** Admits {@code messageId} for {@code userId}, or says which limit refuses it. */
    public Future<Decision> admit(String userId, String messageId) {
        if (redis == null) {
            return Future.succeededFuture(ADMITTED);
        }
        long now = System.currentTimeMillis();
        long expiry = now + settings.answerLimits().maxDuration().plus(LEDGER_SLACK).toMillis();
        Request eval = Request.cmd(Command.EVAL).arg(SCRIPT).arg(2)
                .arg(RegistryKeys.activeAnswers(userId)).arg(RegistryKeys.messageRate(userId))
                .arg(now).arg(messageId).arg(expiry).arg(settings.maxActiveAnswers()).arg(settings.messageBurst())
                .arg(Double.toString(settings.messagesPerSecond() / 1000.0));
        return redis.send(eval)
                .map(AnswerAdmission::decision)
                .recover(e -> {
                    failOpen("admission", e);
                    return Future.succeededFuture(ADMITTED);
                });
    }

    /**
     * True when {@code messageId} is an answer of {@code userId} that is still generating (or whose end the
     * worker has not recorded yet). Redis down or disabled: true, so cancels still reach the workers, which
     * match the session and message ids themselves.
     */
    public Future<Boolean> isActive(String userId, String messageId) {
        if (redis == null) {
            return Future.succeededFuture(true);
        }
        return redis.send(Request.cmd(Command.ZSCORE).arg(RegistryKeys.activeAnswers(userId)).arg(messageId))
                .map(score -> score != null && score.toLong() > System.currentTimeMillis())
                .recover(e -> {
                    failOpen("cancel_check", e);
                    return Future.succeededFuture(true);
                });
    }

    /** Gives the slot back when the request was never queued (the publish failed). */
    public void release(String userId, String messageId) {
        if (redis != null) {
            redis.send(Request.cmd(Command.ZREM).arg(RegistryKeys.activeAnswers(userId)).arg(messageId))
                    .onFailure(e -> failOpen("release", e));
        }
    }

    private static Decision decision(Response reply) {
        return switch (reply.get(0).toInteger()) {
            case 0 -> ADMITTED;
            case 1 -> new Decision.RateLimited(Duration.ofMillis(Math.max(1, reply.get(1).toLong())));
            default -> new Decision.TooManyAnswers();
        };
    }

    private void failOpen(String what, Throwable e) {
        metrics.limitHit(what + "_fail_open");
        long now = System.nanoTime();
        long last = lastWarn.get();
        if (now - last > WARN_EVERY.toNanos() && lastWarn.compareAndSet(last, now)) {
            LOG.atWarn().log("fair-use limits are not enforced now (Redis " + what + " failed: " + e.getMessage() + ")");
        }
    }
}
