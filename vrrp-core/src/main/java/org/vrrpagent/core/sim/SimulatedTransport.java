package org.vrrpagent.core.sim;

import java.net.InetAddress;
import java.util.Objects;
import java.util.function.Consumer;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.io.TransportDrops;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.wire.AddressFamily;

/**
 * A host's VRRP socket on the {@link SimulatedLan} for one interface and family: what it sends the
 * LAN carries (or loses, delays, duplicates) to the other hosts' transports of that family; what
 * reaches it goes to its consumer, as a raw socket's I/O thread hands packets to {@code
 * Engine.receive}.
 */
public final class SimulatedTransport implements Transport {
  private final SimulatedLan lan;
  private final SimulatedHost host;
  private final String interfaceName;
  private final AddressFamily family;
  private final InetAddress source;
  private final Consumer<InboundPacket> consumer;
  private final TransportDrops drops = new TransportDrops();
  private boolean closed;

  SimulatedTransport(
      SimulatedLan lan,
      SimulatedHost host,
      String interfaceName,
      InetAddress source,
      Consumer<InboundPacket> consumer) {
    this.lan = lan;
    this.host = host;
    this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
    this.source = Objects.requireNonNull(source, "source");
    this.family = AddressFamily.of(source);
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    lan.opened(this);
  }

  @Override
  public void send(byte[] vrrpMessage, InetAddress destination) {
    if (closed) {
      throw new TransportException(interfaceName + ": VRRP transport is closed");
    }
    lan.send(this, vrrpMessage.clone(), destination);
  }

  /** The LAN hands over a packet (a task of its own, as a socket's I/O thread would). */
  void deliver(InboundPacket packet) {
    if (!closed) {
      consumer.accept(packet);
    }
  }

  SimulatedHost host() {
    return host;
  }

  AddressFamily family() {
    return family;
  }

  boolean open() {
    return !closed;
  }

  @Override
  public InetAddress sourceAddress() {
    return source;
  }

  @Override
  public String interfaceName() {
    return interfaceName;
  }

  @Override
  public TransportDrops drops() {
    return drops;
  }

  @Override
  public void close() {
    closed = true;
  }
}
