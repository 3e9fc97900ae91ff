package org.vrrpagent.checks;

import java.net.InetSocketAddress;
import java.util.regex.Pattern;
import org.vrrpagent.base.HostPort;

/**
 * {@code tcp}: connect, optionally send bytes, optionally expect a regex in what comes back
 * (relayd's {@code check send … expect}).
 *
 * @param host YAML {@code host}: address or host name (a name is resolved at each run, on a virtual
 *     thread); required
 * @param port YAML {@code port}: 1..65535; required
 * @param send text sent after connecting; {@code \r}, {@code \n}, {@code \t} and {@code \\} are
 *     unescaped
 * @param expect regex (find) that the received bytes (read as ISO-8859-1) must match, e.g. {@code
 *     ^220 }; {@code ^} and {@code $} match at every line (multi-line banners)
 * @param expectWithin YAML {@code expect-within}: most bytes read while waiting for {@code expect};
 *     default {@value #DEFAULT_EXPECT_WITHIN}
 */
public record TcpProbeSpec(
    String host, Integer port, String send, String expect, Integer expectWithin)
    implements ProbeSpec {

  public static final int DEFAULT_EXPECT_WITHIN = 4096;
  public static final int EXPECT_WITHIN_LIMIT = 1024 * 1024;
  public static final int MAX_SEND_BYTES = 4096;

  public TcpProbeSpec {
    host = OptionRules.required(host, "host", "a host name or address");
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (!OptionRules.isHostName(host) && !isLiteral(host)) {
      throw OptionRules.invalid(
          "host",
          "host "
              + OptionRules.quote(host)
              + " is not a host name or address (expected: e.g. 127.0.0.1)");
    }
    if (port == null) {
      throw OptionRules.invalid("port", "missing port (expected: 1..65535)");
    }
    OptionRules.range(port, 0, 1, 65535, "port");
    if (send != null && unescape(send).length() > MAX_SEND_BYTES) {
      throw OptionRules.invalid(
          "send",
          "send: " + send.length() + " characters (expected: at most " + MAX_SEND_BYTES + ")");
    }
    OptionRules.regex(expect, "expect");
    expectWithin =
        OptionRules.range(
            expectWithin, DEFAULT_EXPECT_WITHIN, 1, EXPECT_WITHIN_LIMIT, "expect-within");
  }

  public static TcpProbeSpec of(String host, int port) {
    return new TcpProbeSpec(host, port, null, null, null);
  }

  /** Host and port; unresolved when the host is a name. */
  public InetSocketAddress socketAddress() {
    return OptionRules.hostAndPort(label(), port, "host");
  }

  /** "host:port" as reasons show it ({@code [::1]:25} for IPv6, in RFC 5952 form). */
  public String label() {
    return HostPort.of(host, port);
  }

  public Pattern expectPattern() {
    return OptionRules.regex(expect, Pattern.MULTILINE, "expect");
  }

  /** The bytes to send, with the escapes resolved; empty when nothing is sent. */
  public String sendText() {
    return send == null ? "" : unescape(send);
  }

  private static boolean isLiteral(String host) {
    try {
      java.net.InetAddress.ofLiteral(host);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
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
    return "tcp " + label() + (expect != null ? " expect " + expect : "");
  }
}
