package org.vrrpagent.core.engine;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vrrpagent.core.carp.CarpConfig;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.wire.ChecksumMode;

/**
 * A virtual router bound to the world: its state machine's configuration plus the interface, the
 * transport its adverts travel on, the virtual addresses with their prefix lengths, where adverts
 * go, and how the new master announces itself.
 *
 * @param transportKey identifies the transport: routers sharing an interface, family and peers
 *     share one transport, and {@link Engine#receive} is called with this key
 * @param unicastPeers empty: adverts go to the VRRP group; otherwise to each peer
 * @param carp present for a CARP virtual host: the engine runs a {@code CarpRouter} with it, and
 *     {@code config} is only the protocol-neutral view ({@link CarpConfig#routerConfig}) that
 *     status, the VHID-per-link check and the address table read; empty for VRRP
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
    Optional<CarpConfig> carp) {

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
    if (carp.isPresent()
        && (carp.get().vhid() != config.vrid() || !carp.get().name().equals(config.name()))) {
      throw new IllegalArgumentException(
          config.name() + ": the CARP configuration is not this router's (" + carp.get() + ")");
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

  public String name() {
    return config.name();
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
        name() + ": " + address.getHostAddress() + " is not a virtual address");
  }
}
