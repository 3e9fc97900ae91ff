package org.vrrpagent.agent.rotation;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.fsm.VrrpState;

/**
 * One instance's planned rotation, pure: time and what the engine reports come in, steps come out
 * (docs/geo-failover.md, "Rotation").
 *
 * <p>At a scheduled time (or on {@code vrrp-agent rotate}) a MASTER demotes itself to priority 1,
 * the lowest that still backs up. VRRP backups are silent, so the master cannot see its peer's
 * health beforehand; the peer's adverts are the evidence: a peer that runs and whose checks let it
 * (not FAULT, preempting) takes over within its master-down interval, and the master sees its
 * adverts and goes BACKUP. Then the master stays demoted for {@code hold} and takes back. If no
 * peer takes over within {@code confirm}, the rotation is skipped and said so, and the priority is
 * restored at once: the master never stopped being master. A node that is not MASTER at the
 * scheduled time does nothing (the master rotates).
 */
public final class Rotation {
  /** What the runner does. */
  public sealed interface Step {
    /** Advertise priority 1 (a demotion "to backup"). */
    record Demote() implements Step {}

    /** End the demotion: the usual priority again. */
    record Restore() implements Step {}

    /** Log, event and mail this outcome. */
    record Report(Outcome outcome, String detail) implements Step {}
  }

  public enum Outcome {
    /** The master demoted itself; waiting for the peer to take over. */
    STARTED("started"),
    /** The peer took over; the master holds back for {@code hold}. */
    HANDED_OVER("handed-over"),
    /** Hold over: priority restored (the master takes back if it preempts). */
    ENDED("ended"),
    /** Not done: not master, or no healthy peer took over. */
    SKIPPED("skipped");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** What the engine says about the instance now. */
  public record Observed(VrrpState state, InetAddress masterAddress, int masterPriority) {
    public Observed {
      Objects.requireNonNull(state, "state");
    }
  }

  private enum Phase {
    IDLE,
    HANDING_OVER,
    HOLDING
  }

  private final RotationSchedule schedule;
  private final Duration hold;
  private final Duration confirm;
  private Phase phase = Phase.IDLE;
  private Instant due;
  private Instant confirmBy;
  private Instant holdUntil;

  /**
   * @param confirm how long the peer has to take over (its master-down interval plus a margin)
   */
  public Rotation(RotationSchedule schedule, Duration hold, Duration confirm, Instant now) {
    this.schedule = Objects.requireNonNull(schedule, "schedule");
    this.hold = Objects.requireNonNull(hold, "hold");
    this.confirm = Objects.requireNonNull(confirm, "confirm");
    this.due = schedule.next(now);
  }

  /** The next scheduled rotation. */
  public Instant due() {
    return due;
  }

  /** Whether a rotation is in progress (handing over or holding). */
  public boolean active() {
    return phase != Phase.IDLE;
  }

  /** Advances to {@code now}: starts a due rotation, watches one in progress. */
  public List<Step> tick(Instant now, Observed observed) {
    List<Step> steps = new ArrayList<>();
    switch (phase) {
      case IDLE -> {
        if (!now.isBefore(due)) {
          due = schedule.next(now);
          if (observed.state() == VrrpState.MASTER) {
            start(now, "scheduled", steps);
          }
        }
      }
      case HANDING_OVER -> {
        if (observed.state() == VrrpState.BACKUP && observed.masterAddress() != null) {
          phase = Phase.HOLDING;
          steps.add(
              new Step.Report(
                  Outcome.HANDED_OVER,
                  AddressText.of(observed.masterAddress())
                      + " took over (priority "
                      + observed.masterPriority()
                      + "); holding back for "
                      + text(hold)));
        } else if (!now.isBefore(confirmBy)) {
          phase = Phase.IDLE;
          steps.add(new Step.Restore());
          steps.add(
              new Step.Report(
                  Outcome.SKIPPED,
                  "no peer took over within "
                      + text(confirm)
                      + " (no adverts from a healthy peer: down, in FAULT, or not preempting);"
                      + " priority restored, still "
                      + observed.state()));
        }
      }
      case HOLDING -> {
        if (!now.isBefore(holdUntil)) {
          phase = Phase.IDLE;
          steps.add(new Step.Restore());
          steps.add(
              new Step.Report(Outcome.ENDED, "hold of " + text(hold) + " over; priority restored"));
        }
      }
    }
    return steps;
  }

  /**
   * {@code vrrp-agent rotate}: one rotation now. Refused (a SKIPPED report, nothing else) when not
   * MASTER or when one is in progress.
   */
  public List<Step> now(Instant now, Observed observed) {
    List<Step> steps = new ArrayList<>();
    if (phase != Phase.IDLE) {
      steps.add(new Step.Report(Outcome.SKIPPED, "a rotation is already in progress"));
    } else if (observed.state() != VrrpState.MASTER) {
      steps.add(
          new Step.Report(
              Outcome.SKIPPED,
              "this node is " + observed.state() + ", not MASTER: rotate on the master"));
    } else {
      start(now, "requested by the operator", steps);
    }
    return steps;
  }

  private void start(Instant now, String why, List<Step> steps) {
    phase = Phase.HANDING_OVER;
    confirmBy = now.plus(confirm);
    holdUntil = now.plus(hold);
    steps.add(new Step.Demote());
    steps.add(
        new Step.Report(
            Outcome.STARTED, why + ": priority 1 so the peer takes over, for " + text(hold)));
  }

  static String text(Duration d) {
    return org.vrrpagent.agent.config.DurationSyntax.format(d);
  }
}
