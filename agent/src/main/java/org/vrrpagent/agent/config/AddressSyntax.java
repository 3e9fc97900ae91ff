package org.vrrpagent.agent.config;

import java.net.InetAddress;
import java.util.Optional;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.base.HostPort;

/**
 * IP literals (never resolved through DNS), host names and interface names as the configuration
 * reads them; the syntax itself is {@link HostPort}'s and {@link AddressText}'s.
 */
final class AddressSyntax {
  /** Linux IFNAMSIZ is 16 including the terminating NUL. */
  static final int MAX_INTERFACE_NAME = 15;

  private AddressSyntax() {}

  /** An IP literal, or empty when the text is not one. */
  static Optional<InetAddress> literal(String text) {
    return HostPort.literal(text);
  }

  /** The address as RFC 5952 writes it (IPv6 with the longest zero run compressed). */
  static String format(InetAddress address) {
    return AddressText.of(address);
  }

  static boolean isHostName(String text) {
    return HostPort.isHostName(text);
  }

  static boolean isInterfaceName(String text) {
    if (text.isEmpty()
        || text.length() > MAX_INTERFACE_NAME
        || text.equals(".")
        || text.equals("..")) {
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
