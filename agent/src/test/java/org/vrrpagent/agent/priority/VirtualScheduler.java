package org.vrrpagent.agent.priority;

import java.time.Duration;
import java.util.PriorityQueue;

/** A {@link DelayScheduler} on virtual time: tasks run only inside {@link #advance}. */
final class VirtualScheduler implements DelayScheduler {
  private record Task(long dueNanos, long sequence, Runnable run, boolean[] cancelled) {}

  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.dueNanos != b.dueNanos
                  ? Long.compare(a.dueNanos, b.dueNanos)
                  : Long.compare(a.sequence, b.sequence));
  private long now;
  private long sequence;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    boolean[] cancelled = {false};
    queue.add(new Task(now + delay.toNanos(), sequence++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Moves time forward, running every task that falls due, at its due time. */
  void advance(Duration d) {
    long end = now + d.toNanos();
    for (int guard = 0; guard < 100_000; guard++) {
      Task t = queue.peek();
      if (t == null || t.dueNanos > end) {
        now = end;
        return;
      }
      queue.poll();
      now = t.dueNanos;
      if (!t.cancelled[0]) {
        t.run.run();
      }
    }
    throw new IllegalStateException("more than 100000 tasks in one advance");
  }

  long pendingTasks() {
    return queue.stream().filter(t -> !t.cancelled[0]).count();
  }
}
