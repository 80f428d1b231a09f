package dev.chatstream.worker.registry;

import dev.chatstream.registry.RegistryKeys;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Releases ledger entries with {@code ZREM chat:user:{userId}:answers <messageId>}. */
public final class RedisAnswerLedger implements AnswerLedger {
    private static final Logger LOG = LoggerFactory.getLogger(RedisAnswerLedger.class);

    private final Redis redis;

    public RedisAnswerLedger(Redis redis) {
        this.redis = redis;
    }

    @Override
    public void release(String userId, String messageId) {
        if (userId == null || userId.isEmpty()) {
            return; // a pod without authentication admits no ledger entry
        }
        redis.send(Request.cmd(Command.ZREM).arg(RegistryKeys.activeAnswers(userId)).arg(messageId))
                // Debug only: while Redis is down every answer would log this, and the entry expires anyway.
                .onFailure(err -> LOG.debug("could not release ledger entry {} of user {}: {}", messageId, userId,
                        err.toString()));
    }
}
