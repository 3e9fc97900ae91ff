package org.vrrpagent.core.wire;

import java.net.InetAddress;

/**
 * Encodes and decodes VRRP advertisements (the IP payload, protocol 112). Stateless and pure.
 */
public final class AdvertisementCodec {
  private AdvertisementCodec() {}

  /** The VRRP message with {@code source}/{@code destination} used for the v3 pseudo-header checksum. */
  public static byte[] encode(Advertisement advertisement, InetAddress source, InetAddress destination, ChecksumMode mode) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Runs the receive checks in RFC order; throws with the first failing rule's reason. */
  public static ReceivedAdvertisement decode(byte[] payload, IpContext ip) throws MalformedAdvertisementException {
    throw new UnsupportedOperationException("not yet");
  }
}
