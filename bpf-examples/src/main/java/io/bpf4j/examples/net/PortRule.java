package io.bpf4j.examples.net;

import java.util.Locale;

/**
 * A {@code firewall --drop} rule: a protocol and a destination port, written {@code udp:53} or
 * {@code tcp:80}.
 *
 * <pre>{@code
 * PortRule r = PortRule.parse("udp:4242");
 * r.key();          // the firewall map's key, PacketPrograms.key(17, 4242)
 * r.toString();     // "udp:4242"
 * }</pre>
 *
 * @param protocol {@link PacketPrograms#TCP} or {@link PacketPrograms#UDP}
 * @param port 1..65535
 */
public record PortRule(int protocol, int port) {
    public PortRule {
        if (protocol != PacketPrograms.TCP && protocol != PacketPrograms.UDP) {
            throw new IllegalArgumentException("protocol " + protocol + ": expected tcp (6) or udp (17)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + ": expected 1..65535");
        }
    }

    /** Parses {@code udp:PORT} or {@code tcp:PORT}. */
    public static PortRule parse(String text) {
        int colon = text.indexOf(':');
        String proto = colon < 0 ? "" : text.substring(0, colon).toLowerCase(Locale.ROOT);
        if (colon < 0 || !proto.equals("udp") && !proto.equals("tcp")) {
            throw new IllegalArgumentException("rule '" + text + "': expected udp:PORT or tcp:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rule '" + text + "': port '" + text.substring(colon + 1) + "' is not a number");
        }
        return new PortRule(proto.equals("udp") ? PacketPrograms.UDP : PacketPrograms.TCP, port);
    }

    /** The key of this rule in the firewall's map. */
    public int key() {
        return PacketPrograms.key(protocol, port);
    }

    @Override
    public String toString() {
        return (protocol == PacketPrograms.UDP ? "udp:" : "tcp:") + port;
    }
}
