package org.vrrpagent.agent.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.EnginePriorityConfig;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.linux.ThreadScheduling;

/**
 * Applies {@code engine-priority:} to the VRRP threads: the engine thread (once at start) and each
 * VRRP receive thread (as it starts), each on itself (its kernel thread id from {@code gettid}). A
 * refusal (no CAP_SYS_NICE) is logged and the daemon runs on with the default priority, as
 * keepalived does.
 */
final class EnginePriority {
  private static final Logger log = LoggerFactory.getLogger(EnginePriority.class);

  private EnginePriority() {}

  /** What happened: the thread's id, and null or the kernel's refusal. */
  record Applied(int tid, String refusal) {}

  /** Applies {@code setting} to the engine thread; null for the default (nothing done). */
  static Applied apply(Engine engine, EnginePriorityConfig setting) {
    if (setting.kind() == EnginePriorityConfig.Kind.DEFAULT) {
      return null;
    }
    return engine.onEngineThread(() -> applyHere(setting, "engine thread"));
  }

  /**
   * Applies {@code setting} to the calling thread ({@code what} names it in the log); null for the
   * default (nothing done).
   */
  static Applied applyHere(EnginePriorityConfig setting, String what) {
    if (setting.kind() == EnginePriorityConfig.Kind.DEFAULT) {
      return null;
    }
    int tid = ThreadScheduling.currentTid();
    String name = Thread.currentThread().getName();
    try {
      switch (setting.kind()) {
        case NICE -> ThreadScheduling.setNice(tid, setting.value());
        case REALTIME -> ThreadScheduling.setRealtime(tid, setting.value());
        case DEFAULT -> throw new AssertionError();
      }
    } catch (ThreadScheduling.RefusedException e) {
      log.warn(
          "engine-priority {} not applied to the {} {} (tid {}): {}; it runs at the default"
              + " priority",
          setting,
          what,
          name,
          tid,
          e.getMessage());
      return new Applied(tid, e.getMessage());
    }
    log.info(
        "{} {} (tid {}) runs at engine-priority {}{}",
        what,
        name,
        tid,
        setting,
        setting.kind() == EnginePriorityConfig.Kind.REALTIME ? " (SCHED_RR)" : "");
    return new Applied(tid, null);
  }
}
