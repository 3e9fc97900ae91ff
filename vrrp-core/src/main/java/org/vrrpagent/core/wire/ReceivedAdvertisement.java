package org.vrrpagent.core.wire;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A decoded advertisement with what its packet told us beyond the message itself.
 *
 * @param advertisement the message
 * @param source the IP source address (the sending router's primary address)
 * @param checksumMode which checksum form matched (for VRRPv3 IPv4 either is accepted and counted)
 */
public record ReceivedAdvertisement(Advertisement advertisement, InetAddress source, ChecksumMode checksumMode) {
  public ReceivedAdvertisement {
    Objects.requireNonNull(advertisement, "advertisement");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(checksumMode, "checksumMode");
  }
}
