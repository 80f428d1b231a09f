package dev.chatstream.pod.http;

import dev.chatstream.pod.fairuse.ClientAddress;
import dev.chatstream.pod.fairuse.StreamLimits;
import dev.chatstream.pod.metrics.PodMetrics;
import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * Before a stream opens: the user and the client address must each be under their cap of open streams on
 * this pod; past it, 429 {@code too_many_connections} with {@code Retry-After}.
 */
public final class StreamLimitHandler implements Handler<RoutingContext> {
    /** A held stream frees its slot within a sweep (one second) of closing. */
    static final int RETRY_AFTER_SECONDS = 2;

    private final StreamLimits limits;
    private final ClientAddress addresses;
    private final PodMetrics metrics;

    public StreamLimitHandler(StreamLimits limits, ClientAddress addresses, PodMetrics metrics) {
        this.limits = limits;
        this.addresses = addresses;
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext ctx) {
        SocketAddress peer = ctx.request().remoteAddress();
        String address = addresses.of(peer == null ? null : peer.hostAddress(), ctx.request().getHeader("X-Forwarded-For"));
        StreamLimits.Refusal refusal = limits.tryAcquire(AuthHandler.userId(ctx).orElse(null), address, ctx.response());
        if (refusal == null) {
            ctx.next();
            return;
        }
        metrics.limitHit(refusal == StreamLimits.Refusal.PER_USER ? "connections_per_user" : "connections_per_ip");
        ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        ApiErrors.send(ctx, 429, "too_many_connections", refusal == StreamLimits.Refusal.PER_USER
                ? "this user has too many open streams on this pod; close one first"
                : "this address has too many open streams on this pod");
    }
}
