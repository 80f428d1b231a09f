package dev.chatstream.pod.http;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * Brings a future's completion back to the request's event loop. The HTTP server runs in strict thread
 * mode (see {@code HttpVerticle.options}): a response may only be touched there, while Redis replies and
 * worker-thread results complete elsewhere.
 */
final class OnRequestContext {
    private OnRequestContext() {
    }

    static <T> Future<T> of(RoutingContext ctx, Future<T> future) {
        return Future.fromCompletionStage(future.toCompletionStage(), ctx.vertx().getOrCreateContext());
    }
}
