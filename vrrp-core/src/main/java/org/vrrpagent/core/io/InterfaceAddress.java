package org.vrrpagent.core.io;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import org.vrrpagent.base.AddressText;

/** An address with its prefix length, as configured on an interface ({@code 198.18.0.100/24}). */
public record InterfaceAddress(InetAddress address, int prefixLength) {
  public InterfaceAddress {
    Objects.requireNonNull(address, "address");
    int max = address instanceof Inet4Address ? 32 : 128;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException(
          "prefix length " + prefixLength + " (expected: 0.." + max + ")");
    }
  }

  /**
   * Parses {@code 198.18.0.100/24} or {@code fd00:198:18::100/64}; no prefix means a host route
   * (/32, /128).
   */
  public static InterfaceAddress parse(String text) {
    int slash = text.indexOf('/');
    String host = slash < 0 ? text : text.substring(0, slash);
    InetAddress address;
    try {
      address = InetAddress.ofLiteral(host); // a literal only, never a name lookup
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an address: " + text, e);
    }
    int max = address instanceof Inet4Address ? 32 : 128;
    int prefix;
    if (slash < 0) {
      prefix = max;
    } else {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in " + text, e);
      }
    }
    return new InterfaceAddress(address, prefix);
  }

  /** Whether {@code other} lies in this address's subnet (same family, same prefix bits). */
  public boolean subnetContains(InetAddress other) {
    byte[] a = other.getAddress();
    byte[] b = address.getAddress();
    if (a.length != b.length) {
      return false;
    }
    int bits = prefixLength;
    for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
      int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if (((a[i] ^ b[i]) & mask) != 0) {
        return false;
      }
    }
    return true;
  }

  /** {@code 198.18.0.100/24}, as {@code ip addr} takes it. */
  @Override
  public String toString() {
    return AddressText.of(address) + "/" + prefixLength;
  }
}
