package org.vrrpagent.agent.config;

import java.net.InetAddress;
import java.util.Optional;
import java.util.regex.Pattern;

/** IP literals (never resolved through DNS), prefixes, host names and interface names. */
final class AddressSyntax {
  private static final Pattern HOST_NAME =
      Pattern.compile("(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
  /** Linux IFNAMSIZ is 16 including the terminating NUL. */
  static final int MAX_INTERFACE_NAME = 15;

  private AddressSyntax() {}

  /** An IP literal, or empty when the text is not one. */
  static Optional<InetAddress> literal(String text) {
    if (text.isEmpty() || text.length() > 45 || text.indexOf('%') >= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.ofLiteral(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The address as RFC 5952 writes it (IPv6 with the longest zero run compressed). */
  static String format(InetAddress address) {
    if (address instanceof java.net.Inet4Address) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && words[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(words[i]));
    }
    return out.toString();
  }

  static boolean isHostName(String text) {
    return HOST_NAME.matcher(text).matches();
  }

  static boolean isInterfaceName(String text) {
    if (text.isEmpty() || text.length() > MAX_INTERFACE_NAME || text.equals(".") || text.equals("..")) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c == '/' || c == ':' || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
