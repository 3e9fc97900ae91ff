package org.vrrpagent.core.engine;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.TtlWindow;

/**
 * A virtual router bound to the world: its state machine's configuration plus the interface, the
 * transport its adverts travel on, the virtual addresses with their prefix lengths, where adverts
 * go, and how the new master announces itself.
 *
 * @param transportKey identifies the transport: routers sharing an interface, family and peers
 *     share one transport, and {@link Engine#receive} is called with this key
 * @param unicastPeers empty: adverts go to the VRRP group; otherwise to each peer
 * @param peerTtl the TTL / hop-limit window of each unicast peer whose window is not the RFC's 255
 *     (a peer across routers); every other source must arrive with 255
 */
public record RouterBinding(
    RouterConfig config,
    String interfaceName,
    Object transportKey,
    Transport transport,
    List<InterfaceAddress> virtualAddresses,
    List<InetAddress> unicastPeers,
    InetAddress group,
    ChecksumMode checksumMode,
    AnnounceSchedule announce,
    Map<InetAddress, TtlWindow> peerTtl) {

  public RouterBinding {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(transportKey, "transportKey");
    Objects.requireNonNull(transport, "transport");
    virtualAddresses = List.copyOf(virtualAddresses);
    unicastPeers = List.copyOf(unicastPeers);
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(checksumMode, "checksumMode");
    Objects.requireNonNull(announce, "announce");
    peerTtl = Map.copyOf(peerTtl);
    for (InetAddress peer : peerTtl.keySet()) {
      if (!unicastPeers.contains(peer)) {
        throw new IllegalArgumentException(
            config.name()
                + ": TTL window for "
                + peer.getHostAddress()
                + ", which is not a unicast peer "
                + unicastPeers);
      }
    }
    List<InetAddress> plain = virtualAddresses.stream().map(InterfaceAddress::address).toList();
    if (!plain.equals(config.virtualAddresses())) {
      throw new IllegalArgumentException(
          config.name()
              + ": virtual addresses "
              + plain
              + " differ from the state machine's "
              + config.virtualAddresses());
    }
  }

  /** Every peer with the RFC's TTL 255. */
  public RouterBinding(
      RouterConfig config,
      String interfaceName,
      Object transportKey,
      Transport transport,
      List<InterfaceAddress> virtualAddresses,
      List<InetAddress> unicastPeers,
      InetAddress group,
      ChecksumMode checksumMode,
      AnnounceSchedule announce) {
    this(
        config,
        interfaceName,
        transportKey,
        transport,
        virtualAddresses,
        unicastPeers,
        group,
        checksumMode,
        announce,
        Map.of());
  }

  /** The TTL / hop limit an advert from {@code source} must arrive with. */
  public TtlWindow ttlWindow(InetAddress source) {
    if (peerTtl.isEmpty()) {
      return TtlWindow.RFC;
    }
    TtlWindow w = peerTtl.get(source);
    if (w == null && source instanceof Inet6Address v6 && v6.getScopeId() != 0) {
      try {
        w = peerTtl.get(InetAddress.getByAddress(v6.getAddress()));
      } catch (UnknownHostException e) {
        throw new AssertionError(e);
      }
    }
    return w == null ? TtlWindow.RFC : w;
  }

  public String name() {
    return config.name();
  }

  /** The virtual address with its prefix length, for the address table. */
  InterfaceAddress withPrefix(InetAddress address) {
    for (InterfaceAddress a : virtualAddresses) {
      if (a.address().equals(address)) {
        return a;
      }
    }
    throw new IllegalStateException(
        name() + ": " + address.getHostAddress() + " is not a virtual address");
  }
}
