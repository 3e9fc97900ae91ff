package org.vrrpagent.checks;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link TaskScheduler}: one platform thread that only books results and starts
 * runs.
 */
public final class ExecutorTaskScheduler implements TaskScheduler, AutoCloseable {
  private final ScheduledExecutorService executor;

  public ExecutorTaskScheduler(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  /** A scheduler on its own daemon thread named {@code check-scheduler}. */
  public static ExecutorTaskScheduler singleThread() {
    return new ExecutorTaskScheduler(
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "check-scheduler");
              t.setDaemon(true);
              return t;
            }));
  }

  @Override
  public void execute(Runnable task) {
    if (!executor.isShutdown()) {
      executor.execute(task);
    }
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    if (executor.isShutdown()) {
      return () -> {};
    }
    ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
