package org.vrrpagent.core.io;

import java.net.InetAddress;

/**
 * A transport that only counts: the adverts and bytes it is given, and the rehearsals of its send
 * path ({@link Transport#rehearseSend}). Engine thread only.
 */
public final class CountingTransport implements Transport {
  private final InetAddress source;
  public long sent;
  public long bytes;
  public long rehearsed;

  public CountingTransport(InetAddress source) {
    this.source = source;
  }

  @Override
  public void send(byte[] vrrpMessage, InetAddress destination) {
    sent++;
    bytes += vrrpMessage.length;
  }

  @Override
  public void rehearseSend() {
    rehearsed++;
  }

  @Override
  public InetAddress sourceAddress() {
    return source;
  }

  @Override
  public String interfaceName() {
    return "eth0";
  }

  @Override
  public TransportDrops drops() {
    return new TransportDrops();
  }

  @Override
  public void close() {}
}
