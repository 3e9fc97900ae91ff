package org.vrrpagent.core.io;

import java.net.InetAddress;

/**
 * Sends and receives VRRP messages (IP protocol 112) on one interface for one address family.
 *
 * <p>Received packets go to the {@code Consumer<InboundPacket>} given when the transport was
 * opened, on the transport's own I/O thread; the consumer must hand them to the engine (a queue)
 * and return quickly. The transport never calls into the engine otherwise.
 *
 * <p>{@link #close()} stops the I/O thread within a bounded time and releases the socket; it may be
 * called more than once.
 */
public interface Transport extends AutoCloseable {

  /**
   * Sends one VRRP message (the IP payload, checksum already filled in by the codec) to {@code
   * destination}: the group (224.0.0.18 / ff02::12) or a unicast peer.
   *
   * @throws TransportException when the kernel refuses the send; the message names the interface
   *     and the cause
   */
  void send(byte[] vrrpMessage, InetAddress destination);

  /**
   * The IP source address our messages carry (the interface's primary IPv4 address, its IPv6
   * link-local address, or the configured source). The codec needs it for the VRRPv3 pseudo-header
   * checksum.
   */
  InetAddress sourceAddress();

  /**
   * Runs the send path without sending anything, so that the first real send runs code that ran
   * before (a backup's first advert is its takeover). By default nothing.
   */
  default void rehearseSend() {}

  /** The interface this transport is bound to. */
  String interfaceName();

  /** Packets the transport itself dropped before they reached the consumer, by reason. */
  TransportDrops drops();

  @Override
  void close();
}
