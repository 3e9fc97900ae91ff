package org.vrrpagent.core.fsm;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.ReceivedAdvertisement;

/**
 * Receive hardening beyond the RFC's checks: whom a virtual router listens to. The RFC lets any
 * packet with TTL 255 take part in the election; one spoofed advert could then take mastership or,
 * with a long interval, leave the address on no host for minutes. Checked before everything else of
 * an advert, so a refused packet changes nothing (and raises no conflict alarm).
 *
 * <p>Multicast mode only (in unicast mode the transport already accepts only the configured peers):
 * the destination must be the group ({@link DropReason#UNICAST_DESTINATION}); the source must be on
 * the allow-list when there is one ({@link DropReason#SOURCE_NOT_ALLOWED}); an IPv6 source must be
 * link-local, as RFC 9568 §5.1.2.1 requires of every sender ({@link
 * DropReason#SOURCE_NOT_LINK_LOCAL}); an IPv4 source must lie in a subnet of the interface unless
 * {@code onLinkOnly} is off ({@link DropReason#SOURCE_NOT_ON_LINK}; the transport finds that fact).
 *
 * <p>Both modes: a VRRPv3 advert whose interval exceeds {@code maxLearnedIntervalCentis} is dropped
 * ({@link DropReason#INTERVAL_TOO_LONG}) rather than learned.
 *
 * @param multicast adverts travel to the group (no unicast peers)
 * @param onLinkOnly multicast, IPv4: accept only sources in a subnet of the interface (default
 *     true)
 * @param maxLearnedIntervalCentis the longest Master_Adver_Interval a backup learns (v3); 0 =
 *     {@link #DEFAULT_INTERVAL_FACTOR} times our own advert interval, at most 4095 cs
 * @param acceptFrom multicast: the only sources accepted; empty = any (subject to the rules above)
 */
public record ReceivePolicy(
    boolean multicast,
    boolean onLinkOnly,
    int maxLearnedIntervalCentis,
    Set<InetAddress> acceptFrom) {
  /** The default cap on a learned interval: this many times our own. */
  public static final int DEFAULT_INTERVAL_FACTOR = 4;

  /** Longest allow-list. */
  public static final int MAX_ACCEPT_FROM = 64;

  /** Multicast, on-link sources only, the default interval cap, no allow-list. */
  public static final ReceivePolicy DEFAULT = new ReceivePolicy(true, true, 0, Set.of());

  public ReceivePolicy {
    if (maxLearnedIntervalCentis < 0
        || maxLearnedIntervalCentis > Advertisement.V3_MAX_INTERVAL_CENTIS) {
      throw new IllegalArgumentException(
          "max learned interval "
              + maxLearnedIntervalCentis
              + " cs (expected: 0 = default, or 1..4095 cs)");
    }
    acceptFrom = Set.copyOf(acceptFrom);
    if (acceptFrom.size() > MAX_ACCEPT_FROM) {
      throw new IllegalArgumentException(
          acceptFrom.size() + " allowed sources (expected: at most " + MAX_ACCEPT_FROM + ")");
    }
    if (!multicast && !acceptFrom.isEmpty()) {
      throw new IllegalArgumentException(
          "an allow-list in unicast mode (expected: the unicast peers are the allow-list)");
    }
  }

  /** Unicast mode: the transport accepts only the peers; the interval cap still applies. */
  public static ReceivePolicy unicast(int maxLearnedIntervalCentis) {
    return new ReceivePolicy(false, true, maxLearnedIntervalCentis, Set.of());
  }

  /** The cap in force for a router advertising every {@code ownIntervalCentis}. */
  public int maxLearnedIntervalCentis(int ownIntervalCentis) {
    if (maxLearnedIntervalCentis > 0) {
      return maxLearnedIntervalCentis;
    }
    return Math.min(
        Advertisement.V3_MAX_INTERVAL_CENTIS, DEFAULT_INTERVAL_FACTOR * ownIntervalCentis);
  }

  /**
   * The source checks (multicast mode): the drop with its reason and detail, or null when the
   * packet may be looked at.
   */
  Action.Dropped checkSource(ReceivedAdvertisement received) {
    if (!multicast) {
      return null;
    }
    InetAddress source = received.source();
    if (!received.destination().isMulticastAddress()) {
      return new Action.Dropped(
          DropReason.UNICAST_DESTINATION,
          "advert"
              + from(source)
              + " to "
              + AddressText.of(received.destination())
              + " (expected: the VRRP group; this instance has no unicast peers)");
    }
    if (!acceptFrom.isEmpty() && !acceptFrom.contains(withoutScope(source))) {
      return new Action.Dropped(
          DropReason.SOURCE_NOT_ALLOWED,
          "advert"
              + from(source)
              + " (expected: one of accept-from "
              + acceptFrom.stream().map(AddressText::of).sorted().toList()
              + ")");
    }
    if (!(source instanceof Inet4Address)) {
      if (!source.isLinkLocalAddress()) {
        return new Action.Dropped(
            DropReason.SOURCE_NOT_LINK_LOCAL,
            "advert"
                + from(source)
                + " (expected: a link-local source, fe80::/10, RFC 9568 §5.1.2.1)");
      }
    } else if (onLinkOnly && !received.sourceOnLink()) {
      return new Action.Dropped(
          DropReason.SOURCE_NOT_ON_LINK,
          "advert"
              + from(source)
              + " (expected: a source in a subnet of the interface; on-link-only: false accepts it)");
    }
    return null;
  }

  /** Text for a drop only: an accepted advert builds no string. */
  private static String from(InetAddress source) {
    return " from " + AddressText.of(source);
  }

  /** fe80::1%eth0 and fe80::1 are one source for an allow-list. */
  private static InetAddress withoutScope(InetAddress a) {
    if (a instanceof java.net.Inet6Address v6 && v6.getScopeId() != 0) {
      try {
        return InetAddress.getByAddress(v6.getAddress());
      } catch (java.net.UnknownHostException e) {
        throw new AssertionError(e);
      }
    }
    return a;
  }

  /** For toString of the configuration. */
  List<String> describe() {
    return List.of(
        (multicast ? "multicast" : "unicast")
            + (onLinkOnly ? "" : " off-link-ok")
            + (maxLearnedIntervalCentis > 0
                ? " max-learned " + maxLearnedIntervalCentis + "cs"
                : "")
            + (acceptFrom.isEmpty() ? "" : " accept-from " + acceptFrom.size()));
  }
}
