package dev.chatstream.wire;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CursorTest {

    @Test
    @DisplayName("formats as message id, colon, chunk id and parses back")
    void roundTrip() {
        Cursor cursor = new Cursor("msg-1", 42);
        assertThat(cursor.format()).isEqualTo("msg-1:42");
        assertThat(Cursor.parse("msg-1:42")).isEqualTo(cursor);
    }

    @ParameterizedTest(name = "refuses \"{0}\"")
    @ValueSource(strings = {"", ":", "abc", "abc:", ":5", "abc:x", "abc:-1", "a.b:1", "a b:1", "abc:1.5", "abc:99999999999999999999"})
    void refusesMalformedCursors(String text) {
        assertThatThrownBy(() -> Cursor.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
