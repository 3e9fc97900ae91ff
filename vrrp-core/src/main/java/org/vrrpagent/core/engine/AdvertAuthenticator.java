package org.vrrpagent.core.engine;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.HmacTrailer;
import org.vrrpagent.core.wire.MalformedAdvertisementException;

/**
 * One router's {@link HmacAuth}: signs its adverts with a sequence that only goes up, and verifies
 * received ones before they are decoded, with the replay state of each unicast peer (the last
 * sequence accepted from it). Engine thread only. The {@link Mac}, the peers' address bytes and the
 * scratch buffer are made once: signing and verifying allocate nothing of ours.
 *
 * <p>Replay protection: a sequence is the sender's clock in microseconds, kept strictly increasing
 * while it runs. An advert is accepted when its sequence is above the last accepted from that peer
 * and within the replay window of our clock. A restarted sender goes on from its clock (above what
 * it sent before, unless its clock went back); a restarted receiver has no last sequence and takes
 * the first advert within the window; so neither is locked out, and a replay is possible only of an
 * advert younger than the window, and only to a receiver that restarted since.
 */
final class AdvertAuthenticator {
  private final Mac mac;
  private final long windowMicros;
  private final LongSupplier clock;
  private final List<InetAddress> peers;
  private final byte[][] peerBytes;
  private final long[] lastAccepted;
  private final byte[] scratch = new byte[HmacTrailer.MAC_BYTES];
  private long lastSent;
  private InetAddress localAddress;
  private byte[] localBytes;

  AdvertAuthenticator(HmacAuth auth, List<InetAddress> peers) {
    try {
      mac = Mac.getInstance(HmacTrailer.ALGORITHM);
      mac.init(new SecretKeySpec(auth.secret(), HmacTrailer.ALGORITHM));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available: " + e, e);
    }
    this.windowMicros = auth.replayWindow().toNanos() / 1000;
    this.clock = auth.epochMicros();
    this.peers = List.copyOf(peers);
    this.peerBytes = new byte[peers.size()][];
    for (int i = 0; i < peers.size(); i++) {
      peerBytes[i] = peers.get(i).getAddress();
    }
    this.lastAccepted = new long[peers.size()];
  }

  /** The length a message of {@code messageLength} has with its trailer. */
  static int signedLength(int messageLength) {
    return messageLength + HmacTrailer.BYTES;
  }

  /**
   * (Re)writes the trailer of {@code packet}, whose VRRP message is {@code packet[0..length -
   * BYTES)}, with the next sequence.
   */
  void sign(byte[] packet, byte[] source, byte[] destination) {
    long sequence = Math.max(clock.getAsLong(), lastSent + 1);
    lastSent = sequence;
    HmacTrailer.sign(mac, packet, packet.length - HmacTrailer.BYTES, source, destination, sequence);
  }

  /**
   * The length of the VRRP message in {@code p} when its trailer verifies and its sequence is new;
   * throws with the reason otherwise. Checks, in order: the source is a unicast peer ({@link
   * DropReason#UNKNOWN_PEER}), {@link HmacTrailer#verify} ({@link DropReason#HMAC_MISSING}, {@link
   * DropReason#HMAC_MISMATCH}), the sequence within the window of our clock ({@link
   * DropReason#HMAC_STALE}), above the last accepted from the peer ({@link
   * DropReason#HMAC_REPLAY}).
   */
  int verify(InboundPacket p) throws MalformedAdvertisementException {
    int peer = peerIndex(p.source());
    if (peer < 0) {
      throw new MalformedAdvertisementException(
          DropReason.UNKNOWN_PEER,
          "not a unicast peer (expected: one of "
              + peers.stream().map(AddressText::of).toList()
              + ")");
    }
    byte[] m = p.vrrpMessage();
    int length =
        HmacTrailer.verify(mac, m, m.length, peerBytes[peer], local(p.destination()), scratch);
    long sequence = HmacTrailer.sequence(m, m.length);
    long now = clock.getAsLong();
    if (sequence < now - windowMicros || sequence > now + windowMicros) {
      throw new MalformedAdvertisementException(
          DropReason.HMAC_STALE,
          "its clock (the sequence) is "
              + String.format("%.1f", Math.abs((double) (sequence - now)) / 1e6)
              + " s "
              + (sequence < now ? "behind" : "ahead of")
              + " ours (expected: within the replay window of "
              + windowMicros / 1_000_000
              + " s; are both clocks synchronised?)");
    }
    if (sequence <= lastAccepted[peer]) {
      throw new MalformedAdvertisementException(
          DropReason.HMAC_REPLAY,
          "sequence "
              + sequence
              + " is not above the last accepted "
              + lastAccepted[peer]
              + " (expected: a new advert; this one is replayed or reordered)");
    }
    lastAccepted[peer] = sequence;
    return length;
  }

  private int peerIndex(InetAddress source) {
    for (int i = 0; i < peerBytes.length; i++) {
      if (peers.get(i).equals(source)) {
        return i;
      }
    }
    if (source instanceof Inet6Address v6 && v6.getScopeId() != 0) {
      // A link-local source carries the interface's scope; the configured peer has none.
      byte[] raw = v6.getAddress();
      for (int i = 0; i < peerBytes.length; i++) {
        if (Arrays.equals(peerBytes[i], raw)) {
          return i;
        }
      }
    }
    return -1;
  }

  private byte[] local(InetAddress destination) {
    if (!destination.equals(localAddress)) {
      localAddress = destination;
      localBytes = destination.getAddress();
    }
    return localBytes;
  }
}
