package org.vrrpagent.core.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A decoded advertisement with what its packet told us beyond the message itself.
 *
 * @param advertisement the message
 * @param source the IP source address (the sending router's primary address)
 * @param checksumMode which checksum form matched (for VRRPv3 IPv4 either is accepted and counted)
 * @param destination the IP destination: the group, or a unicast address
 * @param sourceOnLink the transport found the source in a subnet of the receiving interface (IPv4)
 *     or link-local (IPv6); see {@link IpContext#sourceOnLink()}
 */
public record ReceivedAdvertisement(
    Advertisement advertisement,
    InetAddress source,
    ChecksumMode checksumMode,
    InetAddress destination,
    boolean sourceOnLink) {
  private static final InetAddress GROUP_V4 = InetAddress.ofLiteral("224.0.0.18");
  private static final InetAddress GROUP_V6 = InetAddress.ofLiteral("ff02::12");

  public ReceivedAdvertisement {
    Objects.requireNonNull(advertisement, "advertisement");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(checksumMode, "checksumMode");
    Objects.requireNonNull(destination, "destination");
  }

  /** Sent to the VRRP group from an on-link source (tests, the simulated LAN). */
  public ReceivedAdvertisement(
      Advertisement advertisement, InetAddress source, ChecksumMode checksumMode) {
    this(
        advertisement,
        source,
        checksumMode,
        source instanceof Inet4Address ? GROUP_V4 : GROUP_V6,
        true);
  }
}
