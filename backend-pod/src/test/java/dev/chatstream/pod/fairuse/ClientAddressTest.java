package dev.chatstream.pod.fairuse;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressTest {
    private final ClientAddress addresses = new ClientAddress(List.of("127.0.0.1/8", "::1", "10.0.0.0/8"));

    @Test
    @DisplayName("an untrusted peer is the client, whatever X-Forwarded-For it sends")
    void untrustedPeerIsTheClient() {
        assertThat(addresses.of("203.0.113.7", "1.2.3.4")).isEqualTo("203.0.113.7");
    }

    @Test
    @DisplayName("behind trusted proxies the client is the right-most untrusted X-Forwarded-For entry")
    void trustedProxiesAreSkipped() {
        assertThat(addresses.of("10.1.2.3", "198.51.100.1, 203.0.113.9, 10.4.5.6")).isEqualTo("203.0.113.9");
    }

    @Test
    @DisplayName("a trusted peer without X-Forwarded-For, or forwarding only trusted hops (a local load tool), is not counted")
    void localPeerIsNotCounted() {
        assertThat(addresses.of("127.0.0.1", null)).isNull();
        assertThat(addresses.of("0:0:0:0:0:0:0:1", null)).isNull();
        assertThat(addresses.of("127.0.0.1", "127.0.0.1")).isNull();
    }
}
