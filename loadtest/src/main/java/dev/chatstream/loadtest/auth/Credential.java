package dev.chatstream.loadtest.auth;

import io.vertx.core.http.RequestOptions;

/** One request header that says who the sender is ({@code Cookie} or {@code Authorization}); or nothing. */
public record Credential(String header, String value) {
    public static final Credential NONE = new Credential(null, null);

    /** Adds the header to a request; the {@link #NONE} credential adds nothing. */
    public RequestOptions applyTo(RequestOptions request) {
        if (header != null) {
            request.putHeader(header, value);
        }
        return request;
    }
}
