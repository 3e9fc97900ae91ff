package org.vrrpagent.agent.config;

import java.net.InetAddress;
import java.util.Objects;
import org.vrrpagent.core.wire.AddressFamily;

/** A virtual address with its prefix length, as written {@code 198.18.0.100/24}. */
public record VirtualAddress(InetAddress address, int prefixLength) {
  public VirtualAddress {
    Objects.requireNonNull(address, "address");
    int max = family(address).addressBytes() * 8;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException(
          "prefix length " + prefixLength + " (expected: 0.." + max + ")");
    }
  }

  public AddressFamily family() {
    return family(address);
  }

  private static AddressFamily family(InetAddress address) {
    return AddressFamily.of(address);
  }

  @Override
  public String toString() {
    return AddressSyntax.format(address) + "/" + prefixLength;
  }
}
