package org.vrrpagent.agent.control;

/**
 * An operator's runtime demotion of one instance (CARP's "advskew 254 for maintenance"). It is not
 * saved: a restart or {@code promote} ends it.
 */
public sealed interface Demotion {
  /**
   * Largest {@code by}: priorities are 1..254 for a non-owner, so 254 always reaches the bottom.
   */
  int MAX_BY = 254;

  /** How status shows it: {@code "by 100"} or {@code "to backup"}. */
  String describe();

  /**
   * The priority to advertise while demoted, from the one the instance would advertise otherwise:
   * {@code by N} subtracts N but never goes below 1; {@code to backup} is 1, the lowest priority
   * that still backs up (0 would mean "I resign" and force a master change on every peer at every
   * advert).
   */
  int apply(int priority);

  /** Lower the effective priority by {@code by} (never below 1). */
  record By(int by) implements Demotion {
    public By {
      if (by < 1 || by > MAX_BY) {
        throw new IllegalArgumentException("by=" + by + " (expected: 1.." + MAX_BY + ")");
      }
    }

    @Override
    public String describe() {
      return "by " + by;
    }

    @Override
    public int apply(int priority) {
      return Math.max(1, priority - by);
    }
  }

  /** Go to BACKUP and stay there: advertise priority 1 so any healthy peer takes over. */
  record ToBackup() implements Demotion {
    @Override
    public String describe() {
      return "to backup";
    }

    @Override
    public int apply(int priority) {
      return 1;
    }
  }
}
