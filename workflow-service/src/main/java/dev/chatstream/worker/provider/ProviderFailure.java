package dev.chatstream.worker.provider;

import java.util.Objects;
import java.util.Set;

/**
 * Why a provider could not finish an answer. {@code code} is one of the constants below and ends up as
 * {@code error.code} of the message's final {@code error} chunk, with {@link #publicMessage()} as its
 * text. {@code detail} (status, provider error body, exception text) is for the worker's log only: it
 * may hold what the provider said about our key or echo the client's input, so it never reaches a
 * stream. {@code providerFault} says whether the failure tells something about the provider's health
 * (5xx, timeout, connection error): only those count against its circuit breaker, so one client's bad
 * request cannot open it for everyone.
 */
public record ProviderFailure(String code, String detail, boolean providerFault) {
    /** The provider refused or failed the request (HTTP 4xx/5xx other than 429, an error event in the stream). */
    public static final String PROVIDER_ERROR = "provider_error";
    /** The provider is rate limiting us (HTTP 429, a rate-limit error event). */
    public static final String RATE_LIMITED = "rate_limited";
    /** A streamed event could not be understood. */
    public static final String MALFORMED_EVENT = "provider_malformed_event";
    /** The connection failed or closed before the answer ended. */
    public static final String CONNECTION_LOST = "provider_connection_lost";
    /** The provider said nothing for longer than {@code PROVIDER_TIMEOUT}. */
    public static final String TIMEOUT = "provider_timeout";
    /** The circuit breaker is open after repeated failures; the provider is not called. */
    public static final String UNAVAILABLE = "provider_unavailable";
    /** The request names a provider this worker does not have configured. */
    public static final String NOT_CONFIGURED = "provider_not_configured";
    /** The request names a model outside the provider's allow-list; the provider is not called. */
    public static final String MODEL_NOT_ALLOWED = "model_not_allowed";

    /** In-stream error types (Anthropic's and OpenAI's) that mean the provider itself is in trouble. */
    private static final Set<String> FAULT_TYPES = Set.of("overloaded_error", "api_error", "server_error");
    private static final Set<String> RATE_LIMIT_TYPES = Set.of("rate_limit_error", "rate_limit_exceeded");

    public ProviderFailure {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
    }

    /** A failure whose health meaning follows from its code: timeouts and lost connections count. */
    public ProviderFailure(String code, String detail) {
        this(code, detail, code.equals(TIMEOUT) || code.equals(CONNECTION_LOST));
    }

    /** An HTTP error status: 5xx counts against the provider, 429 is {@link #RATE_LIMITED}, other 4xx are the request's fault. */
    public static ProviderFailure httpStatus(int status, String detail) {
        if (status == 429) {
            return new ProviderFailure(RATE_LIMITED, detail, false);
        }
        return new ProviderFailure(PROVIDER_ERROR, detail, status >= 500);
    }

    /** An error event inside an otherwise good stream, by its {@code type} (null when the provider gave none). */
    public static ProviderFailure inStream(String type, String detail) {
        if (type != null && RATE_LIMIT_TYPES.contains(type)) {
            return new ProviderFailure(RATE_LIMITED, detail, false);
        }
        return new ProviderFailure(PROVIDER_ERROR, detail, type != null && FAULT_TYPES.contains(type));
    }

    /** The text a client sees: fixed per code, never provider output or the client's own input. */
    public String publicMessage() {
        return switch (code) {
            case RATE_LIMITED -> "the AI provider is rate limiting requests; try again shortly";
            case MALFORMED_EVENT -> "the AI provider sent an answer that could not be read";
            case CONNECTION_LOST -> "the connection to the AI provider was lost";
            case TIMEOUT -> "the AI provider did not answer in time";
            case UNAVAILABLE -> "the AI provider is unavailable; try again shortly";
            case NOT_CONFIGURED -> "the requested AI provider is not configured";
            case MODEL_NOT_ALLOWED -> "the requested model is not allowed";
            default -> "the AI provider could not answer this request";
        };
    }
}
