package org.vrrpagent.agent.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.VrrpVersion;

/**
 * One VRRP instance (keepalived's {@code vrrp_instance}), validated.
 *
 * @param name the key under {@code instances:}
 * @param interfaceName the link the instance runs on
 * @param vrid virtual router id, 1..255
 * @param version VRRP version (default 3)
 * @param priority configured priority 1..255 (255 = address owner); 100 when not given. When {@link
 *     #priorityOrder} is present the rank replaces it at run time.
 * @param advertInterval v3: 10ms..40950ms in 10 ms steps; v2: 1s..255s whole seconds
 * @param preempt a higher-priority backup takes over (default true)
 * @param preemptDelay wait this long after start before preempting (default 0s, at most 1h)
 * @param fastPreempt a preempting backup that hears a lower-priority advert from the master takes
 *     over at once instead of waiting for its master-down timer (for clusters where every node runs
 *     vrrp-agent)
 * @param addresses the virtual addresses, one family, at least one, at most {@link #MAX_ADDRESSES}
 * @param source the source address of adverts; empty = the interface's primary address
 * @param unicastPeers send adverts to these instead of the multicast group; empty = multicast
 * @param auth VRRPv2 PASS authentication
 * @param hmac vrrp-agent's own hmac-sha256 authentication of adverts between unicast peers (VRRPv3;
 *     not interoperable)
 * @param checksum VRRPv3 over IPv4 checksum (default pseudo-header); fixed for v2 and IPv6
 * @param garp gratuitous ARP / unsolicited NA settings
 * @param virtualMac use the RFC virtual MAC 00:00:5e:00:01:VRID on a macvlan (default false)
 * @param track checks this instance depends on
 * @param priorityOrder base priority from a priority-order file
 * @param resignBelow as MASTER, send priority 0 and go BACKUP when the effective priority falls
 *     below this (once per failure episode)
 * @param receive receive hardening: on-link sources, the learned-interval cap, an allow-list
 * @param actions published addresses per node and what a change of master does to DNS; with
 *     actions, {@code addresses} may be empty (see docs/geo-failover.md)
 * @param rotation planned rotation: the master hands over to its peer on a schedule
 * @param carp present for {@code protocol: carp}: the instance speaks CARP, {@code vrid} is its
 *     vhid and {@code priority} the base priority its advskew stands for (docs/carp.md); empty for
 *     VRRP
 */
public record InstanceConfig(
    String name,
    String interfaceName,
    int vrid,
    VrrpVersion version,
    int priority,
    Duration advertInterval,
    boolean preempt,
    Duration preemptDelay,
    boolean fastPreempt,
    List<VirtualAddress> addresses,
    Optional<InetAddress> source,
    List<InetAddress> unicastPeers,
    Optional<AuthConfig> auth,
    Optional<HmacAuthConfig> hmac,
    ChecksumMode checksum,
    GarpConfig garp,
    boolean virtualMac,
    List<TrackConfig> track,
    Optional<PriorityOrderConfig> priorityOrder,
    OptionalInt resignBelow,
    ReceiveConfig receive,
    ActionsConfig actions,
    Optional<RotationConfig> rotation,
    Optional<CarpSettings> carp) {

  /** Limit on virtual addresses per instance (the advert's count field is one byte). */
  public static final int MAX_ADDRESSES = 255;

  /** Limit on unicast peers per instance. */
  public static final int MAX_UNICAST_PEERS = 64;

  /** Limit on tracked checks per instance. */
  public static final int MAX_TRACKS = 256;

  public static final int DEFAULT_PRIORITY = 100;
  public static final int OWNER_PRIORITY = 255;

  public InstanceConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(advertInterval, "advertInterval");
    Objects.requireNonNull(preemptDelay, "preemptDelay");
    addresses = List.copyOf(addresses);
    Objects.requireNonNull(actions, "actions");
    if (addresses.isEmpty() && (actions.isEmpty() || actions.advertised().isEmpty())) {
      throw new IllegalArgumentException("instance " + name + " has no addresses");
    }
    Objects.requireNonNull(source, "source");
    unicastPeers = List.copyOf(unicastPeers);
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(hmac, "hmac");
    Objects.requireNonNull(checksum, "checksum");
    Objects.requireNonNull(garp, "garp");
    track = List.copyOf(track);
    Objects.requireNonNull(priorityOrder, "priorityOrder");
    Objects.requireNonNull(resignBelow, "resignBelow");
    Objects.requireNonNull(receive, "receive");
    Objects.requireNonNull(rotation, "rotation");
    Objects.requireNonNull(carp, "carp");
  }

  /** The family of every address of this instance. */
  public AddressFamily family() {
    return AddressFamily.of(advertisedAddresses().getFirst());
  }

  /**
   * The addresses adverts carry: the virtual addresses, or, for an instance with actions and none,
   * the nodes' {@code vrrp} addresses ({@link ActionsConfig#advertised()}), which are never added
   * to an interface.
   */
  public List<InetAddress> advertisedAddresses() {
    return addresses.isEmpty()
        ? actions.advertised()
        : addresses.stream().map(VirtualAddress::address).toList();
  }

  /** Advert interval in centiseconds, as the v3 header carries it (v2: seconds × 100). */
  public int advertIntervalCentis() {
    return Math.toIntExact(advertInterval.toMillis() / 10);
  }

  /** Whether the instance speaks CARP (else VRRP). */
  public boolean isCarp() {
    return carp.isPresent();
  }

  /** {@code carp} or {@code vrrp}. */
  public String protocol() {
    return carp.isPresent() ? "carp" : "vrrp";
  }

  public boolean unicast() {
    return !unicastPeers.isEmpty();
  }
}
