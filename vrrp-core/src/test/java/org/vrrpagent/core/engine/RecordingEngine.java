package org.vrrpagent.core.engine;

import java.net.InetAddress;
import java.time.Duration;
import org.vrrpagent.core.io.InMemoryAddressTable;
import org.vrrpagent.core.io.InMemoryTransport;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.RecordingNeighborAnnouncer;

/**
 * Test fixture of the engine tests: an {@link Engine} on one in-memory interface {@value #LINK}
 * with one address (/24), and what it told its listener ({@link RecordingListener}).
 */
final class RecordingEngine extends RecordingListener {
  static final String LINK = "eth0";

  final Engine engine;
  private final InetAddress me;

  /** On the real-time scheduler. */
  RecordingEngine(InetAddress me) {
    this.me = me;
    this.engine = new Engine(addressTable(me), new RecordingNeighborAnnouncer(), this);
  }

  /** On {@code scheduler}'s clock and threads. */
  RecordingEngine(InetAddress me, EngineScheduler scheduler) {
    this.me = me;
    this.engine = new Engine(addressTable(me), new RecordingNeighborAnnouncer(), this, scheduler);
  }

  private static InMemoryAddressTable addressTable(InetAddress me) {
    return new InMemoryAddressTable().addInterface(LINK, new InterfaceAddress(me, 24));
  }

  /** A transport on {@value #LINK} from our address whose injected packets the engine receives. */
  InMemoryTransport transport() {
    return new InMemoryTransport(LINK, me, p -> engine.receive(LINK, p));
  }

  void shutdown() {
    engine.shutdown(Duration.ofSeconds(5));
  }
}
