package org.vrrpagent.base;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A host and a port as operators write them: {@code host}, {@code host:port}, {@code [ipv6]:port}
 * or a bare IPv6 literal ({@code ::1}, port = the default). The host is an IP literal (never
 * resolved here) or a DNS host name. {@link #toString()} writes it back, with brackets around IPv6
 * and the address in RFC 5952 form.
 *
 * @param host an IP literal or a host name, without brackets
 * @param port 1..65535
 */
public record HostPort(String host, int port) {
  /** One label up to 63 characters, at most 253 in all; "_" is allowed (SRV-style names). */
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
              + "(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");

  /** What every refusal says is expected. */
  public static final String EXPECTED = "expected: e.g. 127.0.0.1, 127.0.0.1:5353 or [::1]:53";

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (literal(host).isEmpty() && !isHostName(host)) {
      throw new IllegalArgumentException(
          "\"" + host + "\" is not an address or host name (" + EXPECTED + ")");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " (expected: 1..65535)");
    }
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with a message that says what is wrong, not repeating the
   *     text: {@code port "70000" (expected: 1..65535)} or {@code not a host[:port] (expected: e.g.
   *     …)}
   */
  public static HostPort parse(String text, int defaultPort) {
    Objects.requireNonNull(text, "text");
    String host = text;
    String portText = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw notHostPort();
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw notHostPort();
        }
        portText = rest.substring(1);
      }
      if (literal(host).filter(a -> a instanceof Inet6Address).isEmpty()) {
        throw notHostPort();
      }
    } else if (text.indexOf(':') != text.lastIndexOf(':')) {
      if (literal(text).isEmpty()) {
        throw notHostPort(); // two colons: only an IPv6 literal (its port needs brackets)
      }
    } else if (text.indexOf(':') >= 0) {
      host = text.substring(0, text.indexOf(':'));
      portText = text.substring(text.indexOf(':') + 1);
    }
    int port = defaultPort;
    if (portText != null) {
      if (!portText.matches("[0-9]{1,5}")
          || Integer.parseInt(portText) < 1
          || Integer.parseInt(portText) > 65_535) {
        throw new IllegalArgumentException(
            "port \"" + abbreviate(portText) + "\" (expected: 1..65535)");
      }
      port = Integer.parseInt(portText);
    }
    if (literal(host).isEmpty() && !isHostName(host)) {
      throw notHostPort();
    }
    return new HostPort(host, port);
  }

  /** The host as an address, when it is an IP literal. */
  public Optional<InetAddress> address() {
    return literal(host);
  }

  /** {@code 192.0.2.1:53}, {@code [2001:db8::1]:53}, {@code ns.example:53}. */
  @Override
  public String toString() {
    return of(host, port);
  }

  /** {@code host:port}, with brackets around an IPv6 host. */
  public static String of(String host, int port) {
    return literal(host).map(a -> of(a, port)).orElse(host + ":" + port);
  }

  /** {@code address:port}, with brackets around IPv6. */
  public static String of(InetAddress address, int port) {
    String text = AddressText.of(address);
    return (address instanceof Inet6Address ? "[" + text + "]" : text) + ":" + port;
  }

  /** An IP literal, or empty when the text is not one (a scope {@code %eth0} is not accepted). */
  public static Optional<InetAddress> literal(String text) {
    if (text.isEmpty() || text.length() > 45 || text.indexOf('%') >= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.ofLiteral(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A DNS host name: labels of letters, digits, "-" and "_", at most 253 characters. */
  public static boolean isHostName(String text) {
    return HOST_NAME.matcher(text).matches();
  }

  private static IllegalArgumentException notHostPort() {
    return new IllegalArgumentException("not a host[:port] (" + EXPECTED + ")");
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 39) + "…";
  }
}
