package org.vrrpagent.core.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** The address family of a virtual router: its adverts carry addresses of this family only. */
public enum AddressFamily {
  IPV4(4),
  IPV6(16);

  private final int addressBytes;

  AddressFamily(int addressBytes) {
    this.addressBytes = addressBytes;
  }

  /** Length of one address of this family on the wire. */
  public int addressBytes() {
    return addressBytes;
  }

  public boolean matches(InetAddress address) {
    return this == IPV4 ? address instanceof Inet4Address : address instanceof Inet6Address;
  }

  public static AddressFamily of(InetAddress address) {
    return address instanceof Inet4Address ? IPV4 : IPV6;
  }
}
