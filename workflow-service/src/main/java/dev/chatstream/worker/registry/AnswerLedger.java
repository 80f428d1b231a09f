package dev.chatstream.worker.registry;

/**
 * The worker's side of the per-user active-answer ledger ({@link dev.chatstream.registry.RegistryKeys#activeAnswers}):
 * the pod adds a message when it admits it, the worker removes it when the answer has ended.
 */
public interface AnswerLedger {

    /**
     * Removes {@code messageId} from {@code userId}'s active answers. Best effort and never blocking:
     * when it fails the entry still expires by its score. Does nothing without a user id.
     */
    void release(String userId, String messageId);

    /** No ledger ({@code REDIS_ENABLED=false}): nothing to release. */
    AnswerLedger NONE = (userId, messageId) -> { };
}
