package dev.chatstream.pod.sse;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamRouteTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/api/sessions/s1/stream, s1",
            "/api/sessions/a%20b/stream, a b",
            "/api/sessions/a%2Fb/stream, a/b",
            "/api/sessions/%C3%A9t%C3%A9/stream, été",
            "/api/sessions/a+b/stream, a+b"})
    @DisplayName("the session id is read from the stream path and percent-decoded like a vertx-web path parameter")
    void readsTheSessionIdFromThePath(String path, String sessionId) {
        assertThat(Pattern.matches(SseStreamHandler.ROUTE_REGEX, path)).isTrue();
        assertThat(SseStreamHandler.sessionId(path)).isEqualTo(sessionId);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/api/sessions//stream", "/api/sessions/a/b/stream", "/api/sessions/a/stream/x", "/api/sessions/a/messages"})
    @DisplayName("paths with an empty, nested or missing session segment are not the stream route")
    void matchesOnlyOneSegment(String path) {
        assertThat(Pattern.matches(SseStreamHandler.ROUTE_REGEX, path)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/api/sessions/%zz/stream", "/api/sessions/a%2/stream"})
    @DisplayName("a malformed percent escape is refused (the handler answers 400)")
    void refusesMalformedEscapes(String path) {
        assertThatThrownBy(() -> SseStreamHandler.sessionId(path)).isInstanceOf(IllegalArgumentException.class);
    }
}
