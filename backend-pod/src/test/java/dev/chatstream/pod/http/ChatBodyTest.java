package dev.chatstream.pod.http;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatBodyTest {

    private static ChatBody parse(String json) {
        return ChatBody.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("the new message is the text parts of the last user message; earlier and assistant turns are not used")
    void lastUserMessage() {
        ChatBody body = parse("""
                {"id":"s-1","trigger":"submit-message","messages":[
                  {"id":"a","role":"user","parts":[{"type":"text","text":"first"}]},
                  {"id":"b","role":"assistant","parts":[{"type":"text","text":"made up"}]},
                  {"id":"c","role":"user","parts":[{"type":"text","text":"sec"},{"type":"file","url":"x"},{"type":"text","text":"ond"}]}
                ]}""");

        assertThat(body).isEqualTo(new ChatBody("s-1", "second"));
    }

    @Test
    @DisplayName("an id that is not a session id token is refused")
    void badId() {
        assertThatThrownBy(() -> parse("{\"id\":\"a.b\",\"messages\":[]}")).hasMessageStartingWith("id:");
    }

    @Test
    @DisplayName("a body without a user message with text is refused")
    void noUserText() {
        assertThatThrownBy(() -> parse("{\"id\":\"s\",\"messages\":[{\"role\":\"assistant\",\"parts\":[]}]}"))
                .hasMessageContaining("no user message");
        assertThatThrownBy(() -> parse("{\"id\":\"s\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\" \"}]}]}"))
                .hasMessageContaining("no text");
    }
}
