package org.vrrpagent.agent.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.EnginePriorityConfig;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.linux.ThreadScheduling;

/**
 * Applies {@code engine-priority:} to the engine thread: the calls run on that thread (its kernel
 * thread id from {@code gettid}), once at start. A refusal (no CAP_SYS_NICE) is logged and the
 * daemon runs on with the default priority, as keepalived does.
 */
final class EnginePriority {
  private static final Logger log = LoggerFactory.getLogger(EnginePriority.class);

  private EnginePriority() {}

  /** What happened: the engine thread's id, and null or the kernel's refusal. */
  record Applied(int tid, String refusal) {}

  static Applied apply(Engine engine, EnginePriorityConfig setting) {
    if (setting.kind() == EnginePriorityConfig.Kind.DEFAULT) {
      return null;
    }
    Applied applied =
        engine.onEngineThread(
            () -> {
              int tid = ThreadScheduling.currentTid();
              try {
                switch (setting.kind()) {
                  case NICE -> ThreadScheduling.setNice(tid, setting.value());
                  case REALTIME -> ThreadScheduling.setRealtime(tid, setting.value());
                  case DEFAULT -> throw new AssertionError();
                }
                return new Applied(tid, null);
              } catch (ThreadScheduling.RefusedException e) {
                return new Applied(tid, e.getMessage());
              }
            });
    if (applied.refusal() == null) {
      log.info(
          "engine thread (tid {}) runs at engine-priority {}{}",
          applied.tid(),
          setting,
          setting.kind() == EnginePriorityConfig.Kind.REALTIME ? " (SCHED_RR)" : "");
    } else {
      log.warn(
          "engine-priority {} not applied to the engine thread (tid {}): {}; it runs at the"
              + " default priority",
          setting,
          applied.tid(),
          applied.refusal());
    }
    return applied;
  }
}
