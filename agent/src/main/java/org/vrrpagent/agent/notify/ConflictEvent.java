package org.vrrpagent.agent.notify;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The conflict alarm as notifications tell it: another router claims an instance's VRID on its
 * link, but the instance drops its adverts (a configuration difference), so both may hold the
 * addresses. Raised once per episode and peer, cleared after the quiet period.
 *
 * @param instance the instance
 * @param raised true when the episode began, false when it ended
 * @param peer the other router's address
 * @param differs what differs, in a few words ({@code VRRP version})
 * @param reason the drop reason's label ({@code version_mismatch})
 * @param detail the drop's detail ({@code VRRPv2 from 198.18.0.2 (expected: VRRPv3)})
 * @param since when the episode began
 * @param adverts adverts dropped in the episode so far
 * @param vips the instance's virtual addresses, without prefix length
 * @param time when this was reported
 */
public record ConflictEvent(
    String instance,
    boolean raised,
    String peer,
    String differs,
    String reason,
    String detail,
    Instant since,
    long adverts,
    List<String> vips,
    Instant time)
    implements Notice {
  public ConflictEvent {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(differs, "differs");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(since, "since");
    vips = List.copyOf(vips);
    Objects.requireNonNull(time, "time");
  }

  /** {@code dns0: CONFLICT with 198.18.0.2 (VRRP version differs)}, or {@code … conflict over}. */
  public String summary() {
    return instance
        + ": "
        + (raised
            ? "CONFLICT with " + peer + " (" + differs + " differs)"
            : "conflict with " + peer + " over");
  }
}
