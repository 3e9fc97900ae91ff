package org.vrrpagent.agent.notify;

import java.time.Instant;
import java.util.Objects;

/**
 * A step of a planned rotation (docs/geo-failover.md, "Rotation"): started, handed over, ended or
 * skipped. Goes to the event log and {@code GET /events} as {@code
 * {"type":"ROTATION","outcome":"handed-over","name":"www","reason":"…"}}, and to mail (one mail per
 * step, not coalesced; hooks and the notify FIFO know only state changes).
 */
public record RotationEvent(String name, String outcome, String detail, Instant time)
    implements Notice {
  public RotationEvent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(time, "time");
  }

  /** {@code www: rotation handed-over: 198.18.2.2 took over …}. */
  public String summary() {
    return name + ": rotation " + outcome + ": " + detail;
  }
}
