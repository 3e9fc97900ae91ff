package org.vrrpagent.core.io;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link Transport} for unit tests of one class: records what is sent, and {@link #inject} hands
 * a packet to the consumer on the caller's thread. Thread-safe.
 */
public final class InMemoryTransport implements Transport {
  /** One {@link #send} call. */
  public record Sent(byte[] vrrpMessage, InetAddress destination) {}

  private final String interfaceName;
  private final InetAddress source;
  private final Consumer<InboundPacket> consumer;
  private final TransportDrops drops = new TransportDrops();
  private final List<Sent> sent = new ArrayList<>();
  private volatile boolean closed;
  private volatile RuntimeException failNextSend;

  public InMemoryTransport(
      String interfaceName, InetAddress source, Consumer<InboundPacket> consumer) {
    this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
    this.source = Objects.requireNonNull(source, "source");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
  }

  @Override
  public synchronized void send(byte[] vrrpMessage, InetAddress destination) {
    if (closed) {
      throw new TransportException(interfaceName + ": VRRP transport is closed");
    }
    RuntimeException failure = failNextSend;
    if (failure != null) {
      failNextSend = null;
      throw failure;
    }
    sent.add(new Sent(vrrpMessage.clone(), destination));
  }

  /** The next send throws {@code failure} (then sends work again). */
  public void failNextSend(RuntimeException failure) {
    this.failNextSend = failure;
  }

  /** Delivers {@code packet} to the consumer, as the I/O thread would. */
  public void inject(InboundPacket packet) {
    if (!closed) {
      consumer.accept(packet);
    }
  }

  /** Everything sent so far, oldest first. */
  public synchronized List<Sent> sent() {
    return List.copyOf(sent);
  }

  public synchronized void clearSent() {
    sent.clear();
  }

  public boolean isClosed() {
    return closed;
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
