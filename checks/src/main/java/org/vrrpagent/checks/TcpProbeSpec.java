package org.vrrpagent.checks;

import java.net.InetSocketAddress;
import java.util.regex.Pattern;

/**
 * {@code tcp}: connect, optionally send bytes, optionally expect a regex in what comes back (relayd's
 * {@code check send … expect}).
 *
 * @param address  YAML {@code address}: IP address and port, {@code 127.0.0.1:25} or {@code [::1]:25}; required
 * @param send     text sent after connecting; {@code \r}, {@code \n}, {@code \t} and {@code \\} are unescaped
 * @param expect   regex (find) that the received bytes (read as ISO-8859-1) must match, e.g. {@code ^220 }
 * @param maxBytes YAML {@code max-bytes}: most bytes read while waiting for {@code expect};
 *                 default {@value #DEFAULT_MAX_BYTES}
 */
public record TcpProbeSpec(String address, String send, String expect, Integer maxBytes) implements ProbeSpec {

    public static final int DEFAULT_MAX_BYTES = 4096;
    public static final int MAX_BYTES_LIMIT = 64 * 1024;
    public static final int MAX_SEND_BYTES = 4096;

    public TcpProbeSpec {
        address = SpecChecks.requireText(address, "tcp.address");
        SpecChecks.socketAddress(address, -1, "tcp.address");
        if (!address.matches(".*:[0-9]+$")) {
            throw new IllegalArgumentException("tcp.address: " + address + " (expected: address:port)");
        }
        if (send != null && unescape(send).length() > MAX_SEND_BYTES) {
            throw new IllegalArgumentException("tcp.send: " + send.length() + " bytes (expected: at most " + MAX_SEND_BYTES + ")");
        }
        SpecChecks.regex(expect, "tcp.expect");
        maxBytes = SpecChecks.range(maxBytes, DEFAULT_MAX_BYTES, 1, MAX_BYTES_LIMIT, "tcp.max-bytes");
    }

    public static TcpProbeSpec of(String address) {
        return new TcpProbeSpec(address, null, null, null);
    }

    public InetSocketAddress socketAddress() {
        return SpecChecks.socketAddress(address, -1, "tcp.address");
    }

    public Pattern expectPattern() {
        return SpecChecks.regex(expect, "tcp.expect");
    }

    /** The bytes to send, with the escapes resolved; empty when nothing is sent. */
    public String sendText() {
        return send == null ? "" : unescape(send);
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'r' -> b.append('\r');
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case '\\' -> b.append('\\');
                    default -> b.append('\\').append(n);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Override
    public String kind() {
        return "tcp";
    }

    @Override
    public String describe() {
        return "tcp " + address + (expect != null ? " expect " + expect : "");
    }
}
