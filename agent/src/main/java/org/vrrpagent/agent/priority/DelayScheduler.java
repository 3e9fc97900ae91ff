package org.vrrpagent.agent.priority;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay, and tells the time on the same clock. Production code passes {@link
 * #of(ScheduledExecutorService)}; tests pass a virtual clock so that debouncing is asserted in
 * exact virtual time.
 */
public interface DelayScheduler {
  /** Monotonic time in nanoseconds. */
  long nanoTime();

  Cancellable schedule(Duration delay, Runnable task);

  interface Cancellable {
    void cancel();
  }

  static DelayScheduler of(ScheduledExecutorService executor) {
    return new DelayScheduler() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      }
    };
  }
}
