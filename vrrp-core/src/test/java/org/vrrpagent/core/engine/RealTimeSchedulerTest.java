package org.vrrpagent.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RealTimeScheduler}'s precise timers: the engine thread parks until shortly before one and
 * waits the rest actively; it never runs one early, never spins far ahead of it, and still runs
 * queued tasks (and stops) while it waits.
 */
class RealTimeSchedulerTest {
  private static final long MS = 1_000_000;
  private RealTimeScheduler scheduler;

  @AfterEach
  void stop() {
    if (scheduler != null) {
      scheduler.stop(System.nanoTime() + 5_000 * MS);
    }
  }

  /** Arms on the engine thread, as the engine does. */
  private void arm(EngineScheduler.Timer t, long at) {
    scheduler.execute(() -> t.arm(at));
  }

  @Test
  void preciseTimersRunInOrderAndNeverBeforeTheirDeadline() {
    scheduler = new RealTimeScheduler();
    List<long[]> ran = new CopyOnWriteArrayList<>();
    long base = System.nanoTime() + 20 * MS;
    for (int i = 0; i < 20; i++) {
      long deadline = base + i * 3 * MS;
      boolean precise = i % 2 == 0;
      long[] record = {deadline, 0};
      EngineScheduler.Timer t =
          scheduler.timer(
              () -> {
                record[1] = System.nanoTime();
                ran.add(record);
              },
              precise);
      arm(t, deadline);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 20);
    for (int i = 0; i < 20; i++) {
      assertThat(ran.get(i)[0]).as("timer %d in deadline order", i).isEqualTo(base + i * 3 * MS);
      assertThat(ran.get(i)[1])
          .as("timer %d not before its deadline", i)
          .isGreaterThanOrEqualTo(ran.get(i)[0]);
    }
  }

  @Test
  void farFromAPreciseDeadlineTheEngineThreadParks() {
    scheduler = new RealTimeScheduler();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long engine = scheduler.engineThread().threadId();
    arm(scheduler.timer(() -> {}, true), System.nanoTime() + 60_000 * MS);
    long before = threads.getThreadCpuTime(engine);
    // Spinning would burn a whole core: 1.5 s of wall time, ~1.5 s of CPU.
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> threads.getThreadCpuTime(engine) - before < 300 * MS);
  }

  @Test
  void whileWaitingActivelyTasksStillRunAndStopEndsTheWait() {
    // A lead of a minute: the engine thread waits actively for the whole test.
    scheduler = new RealTimeScheduler(60_000 * MS);
    AtomicBoolean fired = new AtomicBoolean();
    arm(scheduler.timer(() -> fired.set(true), true), System.nanoTime() + 30_000 * MS);
    AtomicLong ranAt = new AtomicLong();
    for (int i = 0; i < 3; i++) {
      ranAt.set(0);
      scheduler.execute(() -> ranAt.set(System.nanoTime()));
      await().atMost(Duration.ofSeconds(5)).until(() -> ranAt.get() != 0);
    }
    assertThat(fired).as("the timer is 30 s away").isFalse();
    Thread engine = scheduler.engineThread();
    scheduler.stop(System.nanoTime() + 5_000 * MS);
    await().atMost(Duration.ofSeconds(5)).until(() -> !engine.isAlive());
  }
}
