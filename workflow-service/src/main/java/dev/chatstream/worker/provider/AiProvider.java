package dev.chatstream.worker.provider;

import dev.chatstream.schemas.WorkflowRequest;

/**
 * One AI backend that streams an answer token by token. Called on a Vert.x event-loop context; it
 * calls the sink on that same context and ends every generation with exactly one of
 * {@link TokenSink#onComplete} or {@link TokenSink#onFailure} — never a hang: real providers bound
 * every wait by {@code PROVIDER_TIMEOUT}.
 */
public interface AiProvider {

    /** The provider's name as requests spell it in {@code context.ai_provider}. */
    String name();

    /** Starts generating the answer to {@code request}; {@link Generation#cancel()} stops it quietly. */
    Generation stream(WorkflowRequest request, TokenSink sink);
}
