package org.vrrpagent.core.fsm;

import java.net.InetAddress;
import java.util.Objects;
import org.vrrpagent.core.wire.DropReason;

/**
 * Another router claims our VRID on our link, but we cannot agree with it: we drop its adverts for
 * a reason that means a configuration difference (version, authentication, interval, address list,
 * an interval longer than we learn; with hmac-sha256: no trailer, another secret, a clock beyond
 * the replay window). Each of us may then be master at once. One episode per peer: from the first
 * such advert until {@link PeerConflicts#quietNanos} pass without one.
 *
 * @param peer the other router's source address
 * @param reason why its adverts are dropped (the last one's reason)
 * @param detail the last drop's detail, e.g. {@code VRRPv2 from 198.18.0.2 (expected: VRRPv3)}
 * @param sinceNanos when the episode began (the clock the router is fed)
 * @param lastSeenNanos the last such advert
 * @param adverts adverts dropped in this episode
 */
public record PeerConflict(
    InetAddress peer,
    DropReason reason,
    String detail,
    long sinceNanos,
    long lastSeenNanos,
    long adverts) {
  public PeerConflict {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  /** What differs, in a few words: {@code VRRP version}, {@code authentication}, … */
  public String differs() {
    return switch (reason) {
      case VERSION_MISMATCH -> "VRRP version";
      case AUTH -> "authentication";
      case INTERVAL_MISMATCH -> "advert interval";
      case INTERVAL_TOO_LONG -> "advert interval (above max-learned-interval)";
      case ADDRESS_LIST_MISMATCH -> "virtual addresses";
      case HMAC_MISSING -> "authentication (no hmac-sha256 trailer)";
      case HMAC_MISMATCH -> "authentication (hmac-sha256 secret)";
      case HMAC_STALE -> "clock (beyond the hmac-sha256 replay-window)";
      default -> reason.label();
    };
  }

  /**
   * True for the drop reasons that mean "a router claims this VRID and we cannot agree with it".
   */
  public static boolean isConflict(DropReason reason) {
    return switch (reason) {
      case VERSION_MISMATCH,
          AUTH,
          INTERVAL_MISMATCH,
          INTERVAL_TOO_LONG,
          ADDRESS_LIST_MISMATCH,
          HMAC_MISSING,
          HMAC_MISMATCH,
          HMAC_STALE ->
          true;
      default -> false;
    };
  }
}
