package org.vrrpagent.checks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.vrrpagent.base.DurationText;

/** Validation shared by the spec records; each failure names the YAML key. */
final class SpecChecks {
    private SpecChecks() {
    }

    static String requireText(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + ": missing (expected: a value)");
        }
        return value.strip();
    }

    static int range(Integer value, int defaultValue, int min, int max, String key) {
        int v = value == null ? defaultValue : value;
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + ": " + v + " (expected: " + min + ".." + max + ")");
        }
        return v;
    }

    static Duration range(Duration value, Duration defaultValue, Duration min, Duration max, String key) {
        Duration v = value == null ? defaultValue : value;
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + ": " + DurationText.of(v) + " (expected: "
                    + DurationText.of(min) + ".." + DurationText.of(max) + ")");
        }
        return v;
    }

    static Pattern regex(String value, String key) {
        return regex(value, 0, key);
    }

    static Pattern regex(String value, int flags, String key) {
        if (value == null) {
            return null;
        }
        try {
            return Pattern.compile(value, flags);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(key + ": invalid regex " + value + " (" + e.getDescription() + ")");
        }
    }

    /**
     * Parses an IP literal. Host names are refused here, and nothing is ever looked up: {@code ofLiteral} never
     * asks a resolver, unlike {@code getByName}, which sends malformed numbers such as "1..2" to DNS.
     */
    static InetAddress ipLiteral(String value, String key) {
        String v = value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
        try {
            return InetAddress.ofLiteral(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: an IPv4 or IPv6 address)");
        }
    }

    /** Parses "addr", "addr:port", "[v6]:port" or a bare IPv6 address. */
    static InetSocketAddress socketAddress(String value, int defaultPort, String key) {
        String v = requireText(value, key);
        String host = v;
        int port = defaultPort;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(key + ": " + v + " (expected: [IPv6]:port)");
            }
            host = v.substring(1, close);
            if (close + 1 < v.length()) {
                if (v.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException(key + ": " + v + " (expected: [IPv6]:port)");
                }
                port = port(v.substring(close + 2), key);
            }
        } else if (v.indexOf(':') >= 0 && v.indexOf(':') == v.lastIndexOf(':')) {
            host = v.substring(0, v.indexOf(':'));
            port = port(v.substring(v.indexOf(':') + 1), key);
        }
        if (port < 0) {
            throw new IllegalArgumentException(key + ": " + v + " (expected: address:port)");
        }
        return new InetSocketAddress(ipLiteral(host, key), port);
    }

    /**
     * Parses "host", "host:port", "[v6]:port" or a bare IPv6 address, where host is an address or a host name;
     * the result is unresolved for names (resolve it with {@link #resolve}).
     */
    static InetSocketAddress hostAndPort(String value, int defaultPort, String key) {
        String v = requireText(value, key);
        if (v.startsWith("[") || v.indexOf(':') != v.lastIndexOf(':') || v.matches("[0-9.]+(:.*)?")) {
            return socketAddress(v, defaultPort, key);
        }
        String host = v;
        int port = defaultPort;
        if (v.indexOf(':') >= 0) {
            host = v.substring(0, v.indexOf(':'));
            port = port(v.substring(v.indexOf(':') + 1), key);
        }
        if (!host.matches("(?i)[a-z0-9_]([a-z0-9_-]{0,62})(\\.[a-z0-9_]([a-z0-9_-]{0,62}))*\\.?") || host.length() > 253) {
            throw new IllegalArgumentException(key + ": " + v + " (expected: an address or host name, optionally with :port)");
        }
        if (port < 0) {
            throw new IllegalArgumentException(key + ": " + v + " (expected: address:port)");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** Resolves a host name (blocking); addresses pass through. */
    static InetSocketAddress resolve(InetSocketAddress a, String key) {
        if (!a.isUnresolved()) {
            return a;
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(a.getHostString()), a.getPort());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(key + ": cannot resolve " + a.getHostString());
        }
    }

    /** How reasons show a server: the address or name, with the port only when it is not the default. */
    static String label(InetSocketAddress a, int defaultPort) {
        if (!a.isUnresolved()) {
            return address(a, defaultPort);
        }
        return a.getPort() == defaultPort ? a.getHostString() : a.getHostString() + ":" + a.getPort();
    }

    static int port(String text, String key) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(key + ": port " + text + " (expected: 1..65535)");
    }

    static String address(InetSocketAddress a, int defaultPort) {
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            return a.getPort() == defaultPort ? host : "[" + host + "]:" + a.getPort();
        }
        return a.getPort() == defaultPort ? host : host + ":" + a.getPort();
    }
}
