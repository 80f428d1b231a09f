package dev.chatstream.worker.app;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.Collection;

/**
 * One event loop for answers. Deployed once per core ({@code WorkflowApp}), each instance on its own event loop, so
 * answers spread over the cores; the consumer hands each request to one of these contexts, where the whole answer
 * then runs.
 */
final class AnswerLoop extends VerticleBase {
    private final Collection<Context> contexts;

    AnswerLoop(Collection<Context> contexts) {
        this.contexts = contexts;
    }

    @Override
    public Future<?> start() {
        contexts.add(context);
        return Future.succeededFuture();
    }
}
