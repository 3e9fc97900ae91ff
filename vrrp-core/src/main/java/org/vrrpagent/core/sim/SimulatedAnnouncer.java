package org.vrrpagent.core.sim;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.io.NeighborAnnouncer;

/**
 * A simulated host's gratuitous ARP / unsolicited NA sender: records each round with its virtual
 * time. It checks two rules: it is never called on the engine thread, and a host announces only
 * addresses it holds (announcing an address it gave up would pull the traffic to the wrong host).
 */
public final class SimulatedAnnouncer implements NeighborAnnouncer {
  /** One announcement round for {@code addresses} on {@code interfaceName}. */
  public record Announcement(
      long atNanos, String host, String interfaceName, List<InetAddress> addresses) {}

  private final SimulatedLan lan;
  private final SimulatedHost host;
  private final SimulatedAddressTable addresses;
  private final List<Announcement> log = new ArrayList<>();
  private VirtualScheduler.HostThreads threads;

  SimulatedAnnouncer(SimulatedLan lan, SimulatedHost host, SimulatedAddressTable addresses) {
    this.lan = lan;
    this.host = host;
    this.addresses = addresses;
  }

  void usedBy(VirtualScheduler.HostThreads threads) {
    this.threads = threads;
  }

  @Override
  public void announce(String interfaceName, List<InetAddress> announced) {
    threads.requireNotEngineLane("NeighborAnnouncer.announce");
    for (InetAddress a : announced) {
      if (!addresses.holds(a)) {
        throw new AssertionError(
            lan.label()
                + ": "
                + host.name()
                + " announced "
                + AddressText.of(a)
                + " at "
                + lan.now() / 1e9
                + " s without holding it");
      }
    }
    Announcement a =
        new Announcement(lan.now(), host.name(), interfaceName, List.copyOf(announced));
    log.add(a);
    lan.announced(a);
  }

  /** Every round so far, oldest first. */
  public List<Announcement> announcements() {
    return List.copyOf(log);
  }
}
