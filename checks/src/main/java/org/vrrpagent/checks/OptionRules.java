package org.vrrpagent.checks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.base.HostPort;
import org.vrrpagent.base.StrictText;

/**
 * The rules the spec records share. Each throws {@link InvalidOptionException} naming the YAML key,
 * with the sentence an operator reads: {@code port 0 out of range (expected: 1..65535)}.
 */
final class OptionRules {
  /** Longest value quoted back in a message. */
  static final int MAX_QUOTED_CHARS = 60;

  private OptionRules() {}

  static InvalidOptionException invalid(String key, String message) {
    return new InvalidOptionException(key, message);
  }

  /** {@code "value"}, shortened when long, on one line ({@link StrictText#oneLine}). */
  static String quote(String value) {
    String v =
        value.length() > MAX_QUOTED_CHARS ? value.substring(0, MAX_QUOTED_CHARS) + "…" : value;
    return "\"" + StrictText.oneLine(v) + "\"";
  }

  static String required(String value, String key, String expected) {
    if (value == null || value.isBlank()) {
      throw invalid(key, "missing " + key + " (expected: " + expected + ")");
    }
    return value.strip();
  }

  static int range(Integer value, int defaultValue, int min, int max, String key) {
    int v = value == null ? defaultValue : value;
    if (v < min || v > max) {
      throw invalid(key, key + " " + v + " out of range (expected: " + min + ".." + max + ")");
    }
    return v;
  }

  static Duration range(
      Duration value, Duration defaultValue, Duration min, Duration max, String key) {
    Duration v = value == null ? defaultValue : value;
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw invalid(
          key,
          key
              + " "
              + DurationText.of(v)
              + " out of range (expected: "
              + DurationText.of(min)
              + ".."
              + DurationText.of(max)
              + ")");
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
      throw invalid(
          key,
          key
              + " "
              + quote(value)
              + " is not a valid regular expression: "
              + e.getDescription()
              + " (expected: a Java regular expression)");
    }
  }

  static Path absolutePath(Path value, String key) {
    if (value == null) {
      return null;
    }
    if (!value.isAbsolute()) {
      throw invalid(
          key,
          key
              + " "
              + quote(value.toString())
              + " is not an absolute path (expected: a path starting with /)");
    }
    return value.normalize();
  }

  /**
   * Parses an IP literal. Host names are refused here, and nothing is ever looked up: {@code
   * ofLiteral} never asks a resolver, unlike {@code getByName}, which sends malformed numbers such
   * as "1..2" to DNS.
   */
  static InetAddress ipLiteral(String value, String key, String expected) {
    String v =
        value.startsWith("[") && value.endsWith("]")
            ? value.substring(1, value.length() - 1)
            : value;
    try {
      return InetAddress.ofLiteral(v);
    } catch (IllegalArgumentException e) {
      throw invalid(
          key, key + " " + quote(value) + " is not an IP address (expected: " + expected + ")");
    }
  }

  static boolean isHostName(String host) {
    return HostPort.isHostName(host);
  }

  /**
   * Parses "host", "host:port", "[v6]:port" or a bare IPv6 address ({@link HostPort#parse}), where
   * host is an address or a host name; the result is unresolved for names (resolve it with {@link
   * #resolve}).
   */
  static InetSocketAddress hostAndPort(String value, int defaultPort, String key) {
    HostPort hp;
    try {
      hp = HostPort.parse(value.strip(), defaultPort);
    } catch (IllegalArgumentException e) {
      throw invalid(key, key + " " + quote(value) + ": " + e.getMessage());
    }
    return hp.address()
        .map(a -> new InetSocketAddress(a, hp.port()))
        .orElseGet(() -> InetSocketAddress.createUnresolved(hp.host(), hp.port()));
  }

  /** Resolves a host name (blocking); addresses pass through. */
  static InetSocketAddress resolve(InetSocketAddress a, String key) {
    if (!a.isUnresolved()) {
      return a;
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(a.getHostString()), a.getPort());
    } catch (UnknownHostException e) {
      throw invalid(
          key,
          key
              + " "
              + quote(a.getHostString())
              + " cannot be resolved (expected: a name this host can resolve, or an address)");
    }
  }

  /**
   * How reasons show a server: the address or name, with the port only when it is not the default.
   */
  static String label(InetSocketAddress a, int defaultPort) {
    String host = a.isUnresolved() ? a.getHostString() : AddressText.of(a.getAddress());
    return a.getPort() == defaultPort ? host : HostPort.of(host, a.getPort());
  }

  /** A program and its arguments: the program an absolute path, no empty or missing entry. */
  static java.util.List<String> argv(java.util.List<String> argv, String key, int maxArgs) {
    if (argv == null) {
      throw invalid(
          key,
          "missing "
              + key
              + " (expected: a list: the program's absolute path, then its arguments)");
    }
    if (argv.isEmpty()) {
      throw invalid(
          key, key + " is empty (expected: the program's absolute path, then its arguments)");
    }
    if (argv.size() > maxArgs) {
      throw invalid(
          key, key + ": " + argv.size() + " arguments (expected: at most " + maxArgs + ")");
    }
    for (int i = 0; i < argv.size(); i++) {
      if (argv.get(i) == null) {
        throw InvalidOptionException.item(
            key, i, key + " has an empty argument (expected: a string)");
      }
    }
    if (!argv.getFirst().startsWith("/")) {
      throw InvalidOptionException.item(
          key,
          0,
          key
              + " program "
              + quote(argv.getFirst())
              + " is a bare name (expected: an "
              + "absolute path such as /usr/local/bin/check, or one relative to the configuration file such as ./check;"
              + " no PATH is searched and no shell is used, write [/bin/sh, -c, \"...\"] for one)");
    }
    return java.util.List.copyOf(argv);
  }
}
