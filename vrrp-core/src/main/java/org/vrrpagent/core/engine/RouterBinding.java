package org.vrrpagent.core.engine;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.carp.CarpConfig;
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
 * @param virtualAddresses the state machine's virtual addresses with prefix lengths, in its order;
 *     or none for a router whose adverts carry addresses it never adds to an interface (an instance
 *     that publishes its master in DNS instead, docs/geo-failover.md): then no address is added,
 *     removed or announced
 * @param unicastPeers empty: adverts go to the VRRP group; otherwise to each peer
 * @param carp present for a CARP virtual host: the engine runs a {@code CarpRouter} with it, and
 *     {@code config} is only the protocol-neutral view ({@link CarpConfig#routerConfig}) that
 *     status, the VHID-per-link check and the address table read; empty for VRRP
 * @param peerTtl the TTL / hop-limit window of each unicast peer whose window is not the RFC's 255
 *     (a peer across routers); every other source must arrive with 255
 * @param hmac vrrp-agent's own advert authentication between unicast peers ({@link HmacAuth}):
 *     adverts are sent with the trailer and received ones verified before they are decoded; empty:
 *     plain VRRP
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
    Optional<CarpConfig> carp,
    Map<InetAddress, TtlWindow> peerTtl,
    Optional<HmacAuth> hmac) {

  /** A VRRP router. */
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
        Optional.empty(),
        Map.of(),
        Optional.empty());
  }

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
    Objects.requireNonNull(carp, "carp");
    peerTtl = Map.copyOf(peerTtl);
    Objects.requireNonNull(hmac, "hmac");
    if (hmac.isPresent() && (unicastPeers.isEmpty() || carp.isPresent())) {
      throw new IllegalArgumentException(
          config.name()
              + ": hmac-sha256 authentication needs unicast peers (and VRRP, not CARP): its replay"
              + " state is kept per peer");
    }
    for (InetAddress peer : peerTtl.keySet()) {
      if (!unicastPeers.contains(peer)) {
        throw new IllegalArgumentException(
            config.name()
                + ": TTL window for "
                + AddressText.of(peer)
                + ", which is not a unicast peer "
                + unicastPeers);
      }
    }
    if (carp.isPresent()
        && (carp.get().vhid() != config.vrid() || !carp.get().name().equals(config.name()))) {
      throw new IllegalArgumentException(
          config.name() + ": the CARP configuration is not this router's (" + carp.get() + ")");
    }
    List<InetAddress> plain = virtualAddresses.stream().map(InterfaceAddress::address).toList();
    if (!virtualAddresses.isEmpty() && !plain.equals(config.virtualAddresses())) {
      throw new IllegalArgumentException(
          config.name()
              + ": virtual addresses "
              + plain
              + " differ from the state machine's "
              + config.virtualAddresses());
    }
  }

  public String name() {
    return config.name();
  }

  /** False for a router whose advertised addresses live on no interface of this host. */
  public boolean installsAddresses() {
    return !virtualAddresses.isEmpty();
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

  /** Whether this router speaks CARP (else VRRP). */
  public boolean isCarp() {
    return carp.isPresent();
  }

  /** {@code carp} or {@code vrrp}: the metric label and status field. */
  public String protocol() {
    return carp.isPresent() ? "carp" : "vrrp";
  }

  /** The virtual address with its prefix length, for the address table. */
  InterfaceAddress withPrefix(InetAddress address) {
    for (InterfaceAddress a : virtualAddresses) {
      if (a.address().equals(address)) {
        return a;
      }
    }
    throw new IllegalStateException(
        name() + ": " + AddressText.of(address) + " is not a virtual address");
  }
}
