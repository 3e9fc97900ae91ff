package org.vrrpagent.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class TimerHeapTest {

  @Test
  void dueTimersComeOutByDeadlineThenByArmingOrder() {
    TimerHeap heap = new TimerHeap();
    List<String> ran = new ArrayList<>();
    TimerHeap.Timer a = heap.timer(() -> ran.add("a"));
    TimerHeap.Timer b = heap.timer(() -> ran.add("b"));
    TimerHeap.Timer c = heap.timer(() -> ran.add("c"));
    c.arm(30);
    a.arm(10);
    b.arm(10);

    assertThat(heap.pollDue(9)).isNull();
    runDue(heap, 30);

    assertThat(ran).containsExactly("a", "b", "c");
    assertThat(heap.size()).isZero();
    assertThat(heap.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void reArmingMovesATimerAndCancellingRemovesIt() {
    TimerHeap heap = new TimerHeap();
    List<String> ran = new ArrayList<>();
    TimerHeap.Timer a = heap.timer(() -> ran.add("a"));
    TimerHeap.Timer b = heap.timer(() -> ran.add("b"));
    a.arm(10);
    b.arm(20);
    a.arm(25); // later: now after b
    assertThat(heap.size()).isEqualTo(2);
    assertThat(heap.nextDeadlineNanos()).isEqualTo(20);
    b.cancel();
    b.cancel(); // twice is harmless
    assertThat(b.armed()).isFalse();

    runDue(heap, 100);

    assertThat(ran).containsExactly("a");
    a.arm(5); // armed again after it ran
    runDue(heap, 100);
    assertThat(ran).containsExactly("a", "a");
  }

  /** Many random arms, re-arms and cancels against a sorted map as the reference. */
  @Test
  void agreesWithASortedMapOverRandomOperations() {
    Random random = new Random(42);
    TimerHeap heap = new TimerHeap();
    int n = 300;
    List<Integer> fired = new ArrayList<>();
    TimerHeap.Timer[] timers = new TimerHeap.Timer[n];
    for (int i = 0; i < n; i++) {
      int id = i;
      timers[i] = heap.timer(() -> fired.add(id));
    }
    // deadline, arming order -> timer id
    TreeMap<Long, Integer> expected = new TreeMap<>();
    long[] keyOf = new long[n];
    java.util.Arrays.fill(keyOf, -1);
    long order = 0;
    long now = 0;
    for (int step = 0; step < 20_000; step++) {
      int id = random.nextInt(n);
      switch (random.nextInt(4)) {
        case 0, 1 -> {
          long at = now + random.nextInt(1000);
          timers[id].arm(at);
          if (keyOf[id] >= 0) {
            expected.remove(keyOf[id]);
          }
          keyOf[id] = at * 1_000_000 + order++;
          expected.put(keyOf[id], id);
        }
        case 2 -> {
          timers[id].cancel();
          if (keyOf[id] >= 0) {
            expected.remove(keyOf[id]);
            keyOf[id] = -1;
          }
        }
        default -> {
          now += random.nextInt(200);
          fired.clear();
          runDue(heap, now);
          List<Integer> want = new ArrayList<>();
          while (!expected.isEmpty() && expected.firstKey() / 1_000_000 <= now) {
            int due = expected.pollFirstEntry().getValue();
            keyOf[due] = -1;
            want.add(due);
          }
          assertThat(fired).as("step %d", step).isEqualTo(want);
        }
      }
      assertThat(heap.size()).isEqualTo(expected.size());
    }
  }

  @Test
  void realTimeSchedulerRunsTimersInDeadlineOrderOnItsEngineThread() throws TimeoutException {
    RealTimeScheduler s = new RealTimeScheduler();
    try {
      List<String> ran = new CopyOnWriteArrayList<>();
      List<Boolean> onEngine = new CopyOnWriteArrayList<>();
      long now = s.nanoTime();
      EngineScheduler.Timer late = s.timer(() -> ran.add("late"));
      EngineScheduler.Timer cancelled = s.timer(() -> ran.add("cancelled"));
      s.call(
          () -> {
            late.arm(now + 60_000_000);
            cancelled.arm(now + 30_000_000);
            s.schedule(now + 20_000_000, () -> ran.add("early"));
            s.schedule(
                now + 40_000_000,
                () -> {
                  onEngine.add(s.inEngineThread());
                  ran.add("middle");
                });
            cancelled.cancel();
            return null;
          },
          now + 5_000_000_000L);
      s.execute(() -> ran.add("task"));

      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 4);
      // The task runs as soon as it is queued; the timers in deadline order, the cancelled never.
      assertThat(ran).containsExactlyInAnyOrder("task", "early", "middle", "late");
      assertThat(ran.stream().filter(r -> !r.equals("task")))
          .containsExactly("early", "middle", "late");
      assertThat(onEngine).containsExactly(true);
      // Re-armed from another thread: goes through the engine's queue.
      late.arm(s.nanoTime());
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 5);
    } finally {
      s.stop(s.nanoTime() + 1_000_000_000L);
    }
  }

  @Test
  void realTimeSchedulerRunsDeferredTasksAtItsNextWakeUpBeforeTheDueTimers()
      throws TimeoutException {
    RealTimeScheduler s = new RealTimeScheduler();
    try {
      List<String> ran = new CopyOnWriteArrayList<>();
      List<Long> at = new CopyOnWriteArrayList<>();
      long deadline = s.nanoTime() + 300_000_000;
      s.call(() -> s.schedule(deadline, () -> ran.add("timer")), deadline);
      // Deferred means "does not wake it": queued while it is still running, it runs at once.
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(1))
          .until(() -> s.engineThread().getState() == Thread.State.TIMED_WAITING);
      s.executeDeferred(
          () -> {
            at.add(s.nanoTime());
            ran.add("deferred 1");
          });
      s.executeDeferred(() -> ran.add("deferred 2"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 3);
      // Nothing woke the engine thread before the timer: the deferred tasks waited for it, and
      // ran first, in their order.
      assertThat(ran).containsExactly("deferred 1", "deferred 2", "timer");
      assertThat(at.getFirst()).isGreaterThanOrEqualTo(deadline);
      // A task wakes it: the deferred ones queued before go first.
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(1))
          .until(() -> s.engineThread().getState() == Thread.State.WAITING);
      s.executeDeferred(() -> ran.add("deferred 3"));
      s.execute(() -> ran.add("task"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 5);
      assertThat(ran.subList(3, 5)).containsExactly("deferred 3", "task");
    } finally {
      s.stop(s.nanoTime() + 1_000_000_000L);
    }
  }

  private static void runDue(TimerHeap heap, long now) {
    TimerHeap.Timer t;
    while ((t = heap.pollDue(now)) != null) {
      t.task().run();
    }
  }

  @Test
  void theHeapTellsWhetherItsEarliestTimerIsPrecise() {
    TimerHeap heap = new TimerHeap();
    TimerHeap.Timer plain = heap.timer(() -> {});
    TimerHeap.Timer precise = heap.timer(() -> {}, true);
    assertThat(heap.nextIsPrecise()).as("empty").isFalse();
    plain.arm(10);
    precise.arm(20);
    assertThat(heap.nextIsPrecise()).as("a plain timer first").isFalse();
    precise.arm(5);
    assertThat(heap.nextIsPrecise()).as("the precise one moved first").isTrue();
    precise.cancel();
    assertThat(heap.nextIsPrecise()).as("cancelled").isFalse();
  }
}
