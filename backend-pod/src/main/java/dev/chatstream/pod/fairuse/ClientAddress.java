package dev.chatstream.pod.fairuse;

import dev.chatstream.pod.config.AddressRange;

import java.util.List;

/**
 * The client address a per-address limit counts. A peer that is a trusted proxy is replaced by the
 * right-most {@code X-Forwarded-For} entry it did not add itself (the left ones are whatever the client
 * claimed). A trusted peer without the header, or whose every hop is trusted, is the operator's own (a
 * probe, a load tool on loopback, directly or through a local nginx): it is not counted, which {@link #of}
 * says by returning null.
 */
public final class ClientAddress {
    private final List<AddressRange> trusted;

    public ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(AddressRange::parse).toList();
    }

    /** The address to count, or null for an uncounted local peer. */
    public String of(String peer, String forwardedFor) {
        if (peer == null || !isTrusted(peer)) {
            return peer;
        }
        if (forwardedFor == null || forwardedFor.isBlank()) {
            return null;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!isTrusted(hop)) {
                return hop.isEmpty() ? peer : hop;
            }
        }
        // Every hop is trusted: a local client through a local proxy (a load tool through nginx).
        return null;
    }

    private boolean isTrusted(String address) {
        byte[] bytes;
        try {
            bytes = AddressRange.literal(address);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (AddressRange range : trusted) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }
}
