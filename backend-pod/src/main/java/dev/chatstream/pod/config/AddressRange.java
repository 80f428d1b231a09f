package dev.chatstream.pod.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IP address or a CIDR range ({@code 10.0.0.0/8}, {@code ::1}), parsed without name look-ups. */
public record AddressRange(byte[] network, int prefixBits) {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static AddressRange parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        byte[] address = literal(host);
        int bits = address.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length");
            }
            if (bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("bad prefix length");
            }
        }
        return new AddressRange(address, bits);
    }

    /** The bytes of a numeric address; never resolves a name. */
    public static byte[] literal(String host) {
        if (host == null || host.isEmpty() || !LITERAL.matcher(host).matches() || (!host.contains(":") && !host.contains("."))) {
            throw new IllegalArgumentException("not an IP address");
        }
        try {
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address");
        }
    }

    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefixBits / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }
}
