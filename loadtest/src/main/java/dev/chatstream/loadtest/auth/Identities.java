package dev.chatstream.loadtest.auth;

import dev.chatstream.loadtest.sse.Targets;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One user per session of the run, as real traffic has it: the pods give a session to the first user who
 * posts to or opens it, and refuse everybody else. Resolved once, before any stream opens; every request of a
 * session then carries that session's {@link Credential}.
 */
public final class Identities {
    /** The pods' guest cookie ({@code AUTH_MODE=guest}). */
    static final String GUEST_COOKIE = "chat_guest";
    private static final String ME = "/api/me";
    /** Guest identities fetched at once. */
    private static final int FETCH_WINDOW = 128;
    /**
     * A {@code GET /api/me} that waits this long for a connection, or then hears nothing this long, fails (and is
     * retried once). Generous: the first request of a cold JVM on a loaded machine has taken several seconds.
     */
    private static final long REQUEST_TIMEOUT_MS = 10_000;
    /** The longest a fetch with its retry can take, plus slack; waiting longer only guards a bug. */
    private static final long FETCH_BOUND_MS = 4 * REQUEST_TIMEOUT_MS + 5_000;

    private final AuthMode mode;
    private final Map<String, Credential> bySession;

    private Identities(AuthMode mode, Map<String, Credential> bySession) {
        this.mode = mode;
        this.bySession = bySession;
    }

    /** The mode in effect ({@link AuthMode#AUTO} resolved). */
    public AuthMode mode() {
        return mode;
    }

    /** The credential every request of this session carries. */
    public Credential forSession(String sessionId) {
        return bySession.getOrDefault(sessionId, Credential.NONE);
    }

    /** Resolves the mode against {@code target} and gives each session its own user. Blocks. */
    public static Identities resolve(HttpClient client, URI target, AuthOptions options, List<String> sessions)
            throws Exception {
        AuthMode mode = options.mode() == AuthMode.AUTO ? detect(client, target, options) : options.mode();
        Map<String, Credential> bySession = new HashMap<>();
        switch (mode) {
            case JWT -> {
                TokenMinter minter = new TokenMinter(options);
                for (String session : sessions) {
                    bySession.put(session, new Credential("Authorization", "Bearer " + minter.mint("load-" + session)));
                }
            }
            case GUEST -> {
                for (int from = 0; from < sessions.size(); from += FETCH_WINDOW) {
                    List<String> window = sessions.subList(from, Math.min(sessions.size(), from + FETCH_WINDOW));
                    List<Future<Credential>> fetches = new ArrayList<>();
                    for (String ignored : window) {
                        fetches.add(guest(client, target));
                    }
                    await(Future.all(fetches), target);
                    for (int i = 0; i < window.size(); i++) {
                        bySession.put(window.get(i), fetches.get(i).result());
                    }
                }
            }
            default -> {
            }
        }
        return new Identities(mode, Map.copyOf(bySession));
    }

    private static AuthMode detect(HttpClient client, URI target, AuthOptions options) throws Exception {
        HttpClientResponse response = await(meWithRetry(client, target), target);
        if (guestCookie(response.cookies()).isPresent()) {
            return AuthMode.GUEST;
        }
        if (response.statusCode() == 401) {
            if (options.jwtSecret() == null) {
                throw new IllegalArgumentException("auth: " + target + " wants a token (AUTH_MODE=jwt):"
                        + " pass --jwt-secret with the pods' AUTH_JWT_SECRET");
            }
            return AuthMode.JWT;
        }
        return AuthMode.NONE;
    }

    /** Waits for {@code future}; a failure or a time-out says which request it was, so a failed run tells why. */
    private static <T> T await(Future<T> future, URI target) throws InterruptedException {
        try {
            return future.toCompletionStage().toCompletableFuture().get(FETCH_BOUND_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("auth: GET " + ME + " at " + target + " gave no answer in " + FETCH_BOUND_MS + " ms", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("auth: GET " + ME + " at " + target + " failed: " + e.getCause(), e.getCause());
        }
    }

    private static Future<Credential> guest(HttpClient client, URI target) {
        return meWithRetry(client, target).map(response -> guestCookie(response.cookies())
                .map(cookie -> new Credential("Cookie", cookie))
                .orElseThrow(() -> new IllegalStateException("auth: GET " + ME + " answered "
                        + response.statusCode() + " without a " + GUEST_COOKIE + " cookie (is the pod in AUTH_MODE=guest?)")));
    }

    /** One retry: a request that failed or saw no answer in time is asked again rather than failing the run. */
    private static Future<HttpClientResponse> meWithRetry(HttpClient client, URI target) {
        return me(client, target).recover(e -> me(client, target));
    }

    private static Future<HttpClientResponse> me(HttpClient client, URI target) {
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(target.getHost())
                .setPort(Targets.port(target))
                .setSsl(Targets.tls(target))
                .setURI(ME)
                .setConnectTimeout(REQUEST_TIMEOUT_MS)
                .setIdleTimeout(REQUEST_TIMEOUT_MS);
        // Only the status and the Set-Cookie headers are read; the body is left to be discarded. Asking for it with
        // response.body() could hang for good: in Vert.x 5.0.7 a body() call that runs after the response has already
        // ended returns a future that never completes (eclipse-vertx/vert.x#6038, fixed after 5.0.7), and that
        // happens when the callback is dispatched as a separate task, as for a request made from a non-Vert.x thread
        // on a pooled connection that another context opened. An unread body is dropped and the connection reused.
        return client.request(request).compose(HttpClientRequest::send);
    }

    /** {@code chat_guest=<value>} from the {@code Set-Cookie} headers, ready for a {@code Cookie} header. */
    static Optional<String> guestCookie(List<String> setCookies) {
        for (String header : setCookies) {
            String pair = header.split(";", 2)[0].trim();
            if (pair.startsWith(GUEST_COOKIE + "=") && pair.length() > GUEST_COOKIE.length() + 1) {
                return Optional.of(pair);
            }
        }
        return Optional.empty();
    }
}
