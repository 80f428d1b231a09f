package dev.chatstream.wire;

import io.nats.client.impl.Headers;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What happens to a message that arrives while an earlier message of the same session is still queued or
 * streaming ({@code BUSY_POLICY}, read by the pods). The pod that accepts a message stamps its policy on the
 * request ({@link #HEADER}), so workers need no setting of their own and follow, per request, the policy it
 * was accepted under; a request without the header (or with an unknown value) is {@link #QUEUE}d.
 */
public enum BusyPolicy {
    /** Answered after every earlier request of its session has ended (the default). */
    QUEUE,
    /** Every earlier request of its session is cancelled, then this one is answered. */
    INTERRUPT,
    /** Refused by the pod (409 {@code session_busy}) while an earlier request of its session is stored. */
    REJECT;

    /** The pods' environment variable. */
    public static final String VARIABLE = "BUSY_POLICY";
    /** The header of a {@code WorkflowRequest} carrying the policy it was accepted under. */
    public static final String HEADER = "Chat-Busy-Policy";
    public static final BusyPolicy DEFAULT = QUEUE;

    /** The lower-case name used in the environment and the header. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every {@link #wireName()}, for the configuration's choice check. */
    public static Set<String> wireNames() {
        return Arrays.stream(values()).map(BusyPolicy::wireName).collect(Collectors.toUnmodifiableSet());
    }

    /** The policy named {@code name} (case-insensitive), if any. */
    public static Optional<BusyPolicy> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.wireName().equals(lower)).findFirst();
    }

    /** The policy a request carries; {@link #DEFAULT} when it carries none or one this version does not know. */
    public static BusyPolicy of(Headers headers) {
        return headers == null ? DEFAULT : parse(headers.getFirst(HEADER)).orElse(DEFAULT);
    }

    /** Writes this policy onto a request's headers. */
    public Headers putOn(Headers headers) {
        return headers.put(HEADER, wireName());
    }
}
