package org.vrrpagent.checks;

/**
 * Runs the scheduler's work, all on one thread (or, in tests, on the test thread in virtual time).
 * Everything submitted runs in submission order for equal due times.
 */
public interface TaskScheduler {

  /** A scheduled task that can be cancelled; cancelling a task that ran is a no-op. */
  interface Cancellable {
    void cancel();
  }

  /** Runs {@code task} as soon as possible on the scheduler's thread. */
  void execute(Runnable task);

  /** Runs {@code task} on the scheduler's thread after {@code delayNanos}. */
  Cancellable schedule(Runnable task, long delayNanos);
}
