package org.vrrpagent.agent.config;

/**
 * The {@code engine-priority:} block: how the kernel schedules the engine thread (the thread that
 * runs every VRRP state machine and sends every advert) and the VRRP receive threads, as
 * keepalived's {@code vrrp_priority} (a nice value) and {@code vrrp_rt_priority} (a real-time
 * priority) do for its VRRP process. Read at start; a change needs a restart.
 *
 * @param kind which setting, or {@link Kind#DEFAULT} to leave the thread as the JVM made it
 * @param value the nice value (-20..19) or the real-time priority (1..99); 0 for the default
 */
public record EnginePriorityConfig(Kind kind, int value) {
  /** Which scheduling the engine thread gets. */
  public enum Kind {
    /** The JVM's: normal policy, the process's nice value. */
    DEFAULT,
    /** Normal policy, this nice value (keepalived's {@code vrrp_priority}). */
    NICE,
    /** {@code SCHED_RR} at this priority (keepalived's {@code vrrp_rt_priority}). */
    REALTIME
  }

  public static final int MIN_NICE = -20;
  public static final int MAX_NICE = 19;
  public static final int MIN_REALTIME = 1;
  public static final int MAX_REALTIME = 99;
  public static final EnginePriorityConfig DEFAULT = new EnginePriorityConfig(Kind.DEFAULT, 0);

  public EnginePriorityConfig {
    java.util.Objects.requireNonNull(kind, "kind");
    switch (kind) {
      case DEFAULT -> {
        if (value != 0) {
          throw new IllegalArgumentException("the default priority takes no value");
        }
      }
      case NICE -> {
        if (value < MIN_NICE || value > MAX_NICE) {
          throw new IllegalArgumentException(
              "nice " + value + " (expected: " + MIN_NICE + ".." + MAX_NICE + ")");
        }
      }
      case REALTIME -> {
        if (value < MIN_REALTIME || value > MAX_REALTIME) {
          throw new IllegalArgumentException(
              "realtime " + value + " (expected: " + MIN_REALTIME + ".." + MAX_REALTIME + ")");
        }
      }
    }
  }

  public static EnginePriorityConfig nice(int value) {
    return new EnginePriorityConfig(Kind.NICE, value);
  }

  public static EnginePriorityConfig realtime(int value) {
    return new EnginePriorityConfig(Kind.REALTIME, value);
  }

  /** As the configuration spells it, e.g. {@code nice -10} or {@code realtime 10}. */
  @Override
  public String toString() {
    return switch (kind) {
      case DEFAULT -> "default";
      case NICE -> "nice " + value;
      case REALTIME -> "realtime " + value;
    };
  }
}
