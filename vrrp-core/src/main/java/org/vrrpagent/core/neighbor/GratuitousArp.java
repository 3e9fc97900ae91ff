package org.vrrpagent.core.neighbor;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * A gratuitous ARP frame as keepalived and FRR send it: a broadcast ARP <em>request</em> whose
 * sender and target protocol address are both the virtual address, target hardware address all
 * ones. Every host on the link that has the address cached updates it to our MAC.
 *
 * <pre>
 * Ethernet: dst ff:ff:ff:ff:ff:ff, src MAC, type 0x0806
 * ARP:      htype 1, ptype 0x0800, hlen 6, plen 4, op 1 (request)
 *           sha MAC, spa VIP, tha ff:ff:ff:ff:ff:ff, tpa VIP
 * </pre>
 */
public final class GratuitousArp {
  /** Ethernet header (14) + ARP for IPv4 over Ethernet (28). */
  public static final int FRAME_BYTES = 42;

  private GratuitousArp() {}

  /** The whole Ethernet frame (no FCS) announcing {@code address} at {@code mac}. */
  public static byte[] frame(byte[] mac, Inet4Address address) {
    requireMac(mac);
    Objects.requireNonNull(address, "address");
    byte[] ip = address.getAddress();
    byte[] f = new byte[FRAME_BYTES];
    int o = 0;
    for (int i = 0; i < 6; i++) {
      f[o++] = (byte) 0xff; // destination: broadcast
    }
    System.arraycopy(mac, 0, f, o, 6); // source: our MAC
    o += 6;
    f[o++] = 0x08; // EtherType ARP
    f[o++] = 0x06;
    f[o++] = 0x00; // hardware type: Ethernet (1)
    f[o++] = 0x01;
    f[o++] = 0x08; // protocol type: IPv4
    f[o++] = 0x00;
    f[o++] = 6; // hardware address length
    f[o++] = 4; // protocol address length
    f[o++] = 0x00; // operation: request (1)
    f[o++] = 0x01;
    System.arraycopy(mac, 0, f, o, 6); // sender hardware address
    o += 6;
    System.arraycopy(ip, 0, f, o, 4); // sender protocol address: the virtual address
    o += 4;
    for (int i = 0; i < 6; i++) {
      f[o++] = (byte) 0xff; // target hardware address: all ones, as keepalived sends it
    }
    System.arraycopy(ip, 0, f, o, 4); // target protocol address: the virtual address again
    return f;
  }

  static void requireMac(byte[] mac) {
    Objects.requireNonNull(mac, "mac");
    if (mac.length != 6) {
      throw new IllegalArgumentException("MAC address of " + mac.length + " bytes (expected: 6)");
    }
  }
}
