package org.vrrpagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM's steps: each bounded, a hanging one abandoned and named, the whole within its deadline.
 */
class ShutdownTest {
  private final List<String> done = new CopyOnWriteArrayList<>();

  private Shutdown.Step records(String name) {
    return () -> {
      done.add(name);
      return null;
    };
  }

  @Test
  void firstStepsRunTogetherThenTheRestInReverseOrder() {
    Shutdown s = new Shutdown();
    s.add("a", Duration.ofSeconds(1), records("a"));
    s.add("b", Duration.ofSeconds(1), records("b"));
    CountDownLatch both = new CountDownLatch(2);
    Shutdown.Step together =
        () -> {
          both.countDown();
          return both.await(2, java.util.concurrent.TimeUnit.SECONDS) ? null : "ran alone";
        };
    s.addFirst("engine", Duration.ofSeconds(3), together);
    s.addFirst("control", Duration.ofSeconds(3), together);
    assertThat(s.run(System.nanoTime() + Duration.ofSeconds(5).toNanos())).isEmpty();
    assertThat(done).containsExactly("b", "a");
  }

  @Test
  void aHangingStepIsAbandonedAtItsDeadlineNamedAndTheOthersStillRun() {
    Shutdown s = new Shutdown();
    s.add("after", Duration.ofSeconds(1), records("after"));
    s.add(
        "hook",
        Duration.ofMillis(300),
        () -> {
          Thread.sleep(60_000);
          return null;
        });
    s.addFirst("engine", Duration.ofSeconds(1), () -> "the engine did not stop in time");
    long start = System.nanoTime();
    List<String> left = s.run(System.nanoTime() + Duration.ofSeconds(5).toNanos());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(left)
        .containsExactly(
            "engine: the engine did not stop in time", "hook: did not finish within 300 ms");
    assertThat(done).containsExactly("after");
  }

  @Test
  void pastTheDeadlineNothingMoreStarts() {
    Shutdown s = new Shutdown();
    s.add("late", Duration.ofSeconds(1), records("late"));
    s.add(
        "slow",
        Duration.ofSeconds(10),
        () -> {
          Thread.sleep(60_000);
          return null;
        });
    List<String> left = s.run(System.nanoTime() + Duration.ofMillis(400).toNanos());
    assertThat(left).hasSize(2);
    assertThat(left.get(1)).startsWith("late: not started");
    assertThat(done).isEmpty();
  }
}
