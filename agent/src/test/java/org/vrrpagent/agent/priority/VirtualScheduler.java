package org.vrrpagent.agent.priority;

import java.time.Duration;
import org.vrrpagent.checks.VirtualTime;

/**
 * A {@link DelayScheduler} on virtual time (the checks module's {@link VirtualTime}): tasks run
 * only inside {@link #advance}.
 */
final class VirtualScheduler implements DelayScheduler {
  private final VirtualTime time = new VirtualTime();

  @Override
  public long nanoTime() {
    return time.nanoTime();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    return time.schedule(task, delay.toNanos())::cancel;
  }

  /** Moves time forward, running every task that falls due, at its due time. */
  void advance(Duration d) {
    time.advanceBy(d.toNanos());
  }

  long pendingTasks() {
    return time.pendingTasks();
  }
}
