package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link ThreadScheduling} on real threads of this JVM, read back from the kernel ({@code
 * /proc/self/task/TID/stat} and {@code sched_getscheduler}). Raising a priority needs root (or
 * CAP_SYS_NICE): without it the test checks the refusal instead.
 */
class ThreadSchedulingTest {

  /** Runs {@code body} on a new platform thread with its kernel thread id; returns its failure. */
  private static Throwable onNewThread(ThrowingConsumer body) throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    body.accept(ThreadScheduling.currentTid());
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                });
    t.join();
    return failure.get();
  }

  private interface ThrowingConsumer {
    void accept(int tid) throws Exception;
  }

  private static boolean root() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Uid:"))
        .anyMatch(l -> l.split("\\s+")[1].equals("0"));
  }

  @Test
  void theThreadIdIsThisThreadsTask() {
    int tid = ThreadScheduling.currentTid();
    assertThat(Path.of("/proc/self/task/" + tid)).isDirectory();
    assertThat(ThreadScheduling.observe(tid).realtimePriority()).isZero();
  }

  @Test
  void aHigherNiceValueAppliesToThatThreadOnly() throws Exception {
    int mine = ThreadScheduling.currentTid();
    int niceBefore = ThreadScheduling.observe(mine).nice();
    Throwable failure =
        onNewThread(
            tid -> {
              ThreadScheduling.setNice(tid, 7); // lowering one's own priority needs no privilege
              assertThat(ThreadScheduling.observe(tid).nice()).isEqualTo(7);
              assertThat(ThreadScheduling.policy(tid)).isEqualTo(ThreadScheduling.SCHED_OTHER);
            });
    assertThat(failure).isNull();
    assertThat(ThreadScheduling.observe(mine).nice()).isEqualTo(niceBefore);
  }

  @Test
  void aNegativeNiceValueAppliesAsRootAndIsRefusedOtherwise() throws Exception {
    boolean root = root();
    Throwable failure =
        onNewThread(
            tid -> {
              if (root) {
                ThreadScheduling.setNice(tid, -10);
                assertThat(ThreadScheduling.observe(tid).nice()).isEqualTo(-10);
              } else {
                assertThatThrownBy(() -> ThreadScheduling.setNice(tid, -10))
                    .isInstanceOf(ThreadScheduling.RefusedException.class)
                    .hasMessageContaining("CAP_SYS_NICE");
              }
            });
    assertThat(failure).isNull();
  }

  @Test
  void aRealtimePriorityAppliesAsRootAndIsRefusedOtherwise() throws Exception {
    boolean root = root();
    Throwable failure =
        onNewThread(
            tid -> {
              if (root) {
                ThreadScheduling.setRealtime(tid, 10);
                assertThat(ThreadScheduling.policy(tid)).isEqualTo(ThreadScheduling.SCHED_RR);
                assertThat(ThreadScheduling.observe(tid).realtimePriority()).isEqualTo(10);
                // A thread it starts does not inherit it (SCHED_RESET_ON_FORK).
                AtomicReference<int[]> child = new AtomicReference<>();
                Thread c =
                    Thread.ofPlatform()
                        .start(
                            () -> {
                              int ct = ThreadScheduling.currentTid();
                              try {
                                child.set(
                                    new int[] {
                                      ThreadScheduling.policy(ct),
                                      ThreadScheduling.observe(ct).realtimePriority()
                                    });
                              } catch (ThreadScheduling.RefusedException e) {
                                throw new IllegalStateException(e);
                              }
                            });
                c.join();
                assertThat(child.get()).containsExactly(ThreadScheduling.SCHED_OTHER, 0);
              } else {
                assertThatThrownBy(() -> ThreadScheduling.setRealtime(tid, 10))
                    .isInstanceOf(ThreadScheduling.RefusedException.class);
              }
            });
    assertThat(failure).isNull();
  }

  @Test
  void outOfRangeValuesAreRefusedBeforeTheKernel() {
    int tid = ThreadScheduling.currentTid();
    assertThatThrownBy(() -> ThreadScheduling.setNice(tid, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nice 20 (expected: -20..19)");
    assertThatThrownBy(() -> ThreadScheduling.setRealtime(tid, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("real-time priority 0 (expected: 1..99)");
  }
}
