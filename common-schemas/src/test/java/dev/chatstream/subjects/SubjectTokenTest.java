package dev.chatstream.subjects;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubjectTokenTest {

    @ParameterizedTest(name = "accepts \"{0}\"")
    @ValueSource(strings = {"a", "Z", "0", "abc-DEF_123", "-", "_", "session_2026-11-25",
            "0123456789012345678901234567890123456789012345678901234567890123"})
    void acceptsLettersDigitsUnderscoreAndDashUpTo64(String token) {
        assertThat(SubjectToken.isValid(token)).isTrue();
        assertThat(SubjectToken.require(token, "session id")).isEqualTo(token);
    }

    @ParameterizedTest(name = "refuses \"{0}\"")
    @ValueSource(strings = {"a.b", ".", "a.", ".a", "*", "a*", ">", "a>", "chat.>", "a b", " a", "a ", "\t",
            "a\tb", "a\nb", "a\rb", "a\u0000b", "a\u007fb", "é", "sessión", "日本", "a\u200bb", "😀",
            "a/b", "a:b", "a%2Eb", "a+b", "01234567890123456789012345678901234567890123456789012345678901234"})
    void refusesAnythingThatCouldChangeASubject(String token) {
        assertThat(SubjectToken.isValid(token)).isFalse();
        assertThatThrownBy(() -> SubjectToken.require(token, "session id"))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageStartingWith("session id ");
    }

    @Test
    @DisplayName("refuses empty and null")
    void refusesEmptyAndNull() {
        assertThat(SubjectToken.isValid("")).isFalse();
        assertThat(SubjectToken.isValid(null)).isFalse();
        assertThatThrownBy(() -> SubjectToken.require("", "pod id")).hasMessage("pod id is empty");
        assertThatThrownBy(() -> SubjectToken.require(null, "pod id")).hasMessage("pod id is empty");
    }

    @Test
    @DisplayName("says how long a too-long token is")
    void namesTheLength() {
        assertThatThrownBy(() -> SubjectToken.require("x".repeat(65), "session id"))
                .hasMessage("session id is 65 characters long, the limit is 64");
    }

    @Test
    @DisplayName("never echoes a control character in its error")
    void errorsArePrintable() {
        assertThatThrownBy(() -> SubjectToken.require("ab\u0007c", "session id"))
                .hasMessage("session id has U+0007 at position 2; only letters, digits, '_' and '-' are allowed");
    }
}
