package dev.chatstream.worker.provider;

import java.util.Objects;

/**
 * Why a provider could not finish an answer. {@code code} is one of the constants below and ends up
 * as {@code error.code} of the message's final {@code error} chunk.
 */
public record ProviderFailure(String code, String message) {
    /** The provider answered with an HTTP status of 400 or more. */
    public static final String HTTP_ERROR = "provider_http_error";
    /** A streamed event could not be understood. */
    public static final String MALFORMED_EVENT = "provider_malformed_event";
    /** The connection failed or closed before the answer ended. */
    public static final String CONNECTION_LOST = "provider_connection_lost";
    /** The provider said nothing for longer than {@code PROVIDER_TIMEOUT}. */
    public static final String TIMEOUT = "provider_timeout";
    /** The provider reported an error inside the stream (e.g. Anthropic's {@code error} event). */
    public static final String STREAM_ERROR = "provider_stream_error";
    /** The circuit breaker is open after repeated failures; the provider is not called. */
    public static final String UNAVAILABLE = "provider_unavailable";
    /** The request names a provider this worker does not have configured. */
    public static final String NOT_CONFIGURED = "provider_not_configured";

    public ProviderFailure {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
