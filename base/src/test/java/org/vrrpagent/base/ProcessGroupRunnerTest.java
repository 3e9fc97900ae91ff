package org.vrrpagent.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.base.ProcessGroupRunner.Outcome;
import org.vrrpagent.base.ProcessGroupRunner.Result;
import org.vrrpagent.base.ProcessGroupRunner.Run;

class ProcessGroupRunnerTest {
  /** A sleep argument no other process on the machine uses, to find this test's leftovers. */
  private static final String MARK = ProcessTable.mark(900_000);

  private final ProcessGroupRunner runner = new ProcessGroupRunner("test", 8);

  @AfterEach
  void close() {
    runner.close();
  }

  private static Run sh(String script, Duration timeout) {
    return Run.of(List.of("/bin/sh", "-c", script), timeout);
  }

  @Test
  void capturesExitStatusAndOutput() throws Exception {
    Result r =
        runner.run(
            sh("echo out; echo err >&2; exit 3", Duration.ofSeconds(10)).withSeparateStderr());
    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.exitStatus()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(r.note()).isEmpty();
  }

  @Test
  void runsInItsOwnProcessGroup() throws Exception {
    Result r = runner.run(sh("ps -o pgid= -p $$", Duration.ofSeconds(10)));
    assertThat(r.stdout().strip()).isEqualTo(Long.toString(r.pid()));
  }

  @Test
  void aBackgroundChildHoldingStdoutNeitherDelaysTheRunNorOutlivesIt() throws Exception {
    Result r = runner.run(sh("echo started; sleep " + MARK + " & exit 0", Duration.ofSeconds(20)));
    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.exitStatus()).isZero();
    assertThat(r.stdout()).isEqualTo("started\n");
    assertThat(r.elapsed())
        .isLessThan(Duration.ofSeconds(5)); // the old runners waited for the pipe
    assertThat(r.note()).isEqualTo("processes it left in its group were terminated");
    assertThat(ProcessGroupRunner.groupHasLiveMembers(r.pid()))
        .as("group %d left", r.pid())
        .isFalse();
    assertThat(leftovers()).isZero();
  }

  @Test
  void theDeadlineSendsSigtermOnTime() throws Exception {
    Result r = runner.run(sh("sleep " + MARK, Duration.ofMillis(500)));
    assertThat(r.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(r.elapsed()).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
    assertThat(r.note()).isEqualTo("process group terminated");
    assertThat(ProcessGroupRunner.groupHasLiveMembers(r.pid())).isFalse();
    assertThat(runner.stats().timedOut()).isEqualTo(1);
  }

  @Test
  void aGroupIgnoringSigtermIsKilledAfterTheGrace() throws Exception {
    Result r =
        runner.run(
            sh(
                    "trap '' TERM; sleep " + MARK + " & trap '' TERM; sleep " + MARK,
                    Duration.ofMillis(300))
                .withKillGrace(Duration.ofMillis(300)));
    assertThat(r.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(r.note()).isEqualTo("process group killed after 300ms grace");
    assertThat(ProcessGroupRunner.groupHasLiveMembers(r.pid())).isFalse();
    assertThat(leftovers()).isZero();
  }

  @Test
  void outputIsBoundedAndTheRestCounted() throws Exception {
    Result r =
        runner.run(
            sh("head -c 1000000 /dev/zero | tr '\\0' x", Duration.ofSeconds(10))
                .withMaxOutputBytes(100));
    assertThat(r.exitStatus()).isZero();
    assertThat(r.stdout()).hasSize(100);
    assertThat(r.discardedBytes()).isEqualTo(1_000_000 - 100);
    assertThat(r.truncated()).isTrue();
  }

  @Test
  void aProgramThatCannotStartSaysSo() throws Exception {
    Result r = runner.run(Run.of(List.of("/nonexistent/program"), Duration.ofSeconds(5)));
    assertThat(r.outcome()).isEqualTo(Outcome.NOT_STARTED);
    assertThat(r.note()).isEqualTo("cannot start /nonexistent/program: no such file");
    Result onPath =
        runner.run(
            Run.of(List.of("no-such-program-vrrp"), Duration.ofSeconds(5))
                .withEnvironment(java.util.Map.of("PATH", "/usr/bin:/bin")));
    assertThat(onPath.note())
        .isEqualTo("cannot start no-such-program-vrrp: not found on PATH /usr/bin:/bin");
  }

  @Test
  void liveRunsAreBoundedAndCloseKillsThem() throws Exception {
    ProcessGroupRunner small = new ProcessGroupRunner("small", 2);
    try {
      CompletableFuture<Result> a = small.start(sh("sleep " + MARK, Duration.ofSeconds(60)));
      CompletableFuture<Result> b = small.start(sh("sleep " + MARK, Duration.ofSeconds(60)));
      Result refused = small.start(sh("true", Duration.ofSeconds(60))).get();
      assertThat(refused.outcome()).isEqualTo(Outcome.REFUSED);
      assertThat(refused.note()).isEqualTo("not started: 2 small runs are live (the limit)");
      assertThat(small.stats().live()).isEqualTo(2);
      assertThat(small.stats().refused()).isEqualTo(1);
      assertThat(small.close(Duration.ofSeconds(5), Duration.ofMillis(500))).isTrue();
      assertThat(a.get().outcome()).isEqualTo(Outcome.STOPPED);
      assertThat(b.get().outcome()).isEqualTo(Outcome.STOPPED);
      assertThat(small.stats().live()).isZero();
      assertThat(leftovers()).isZero();
      assertThat(small.start(sh("true", Duration.ofSeconds(1))).get().outcome())
          .isEqualTo(Outcome.REFUSED);
    } finally {
      small.close(); // a failed assertion must not leave its sleeps running
    }
  }

  /**
   * Issue 10 fault 2: a run every few ms that leaves a child holding stdout; nothing may pile up.
   */
  @Test
  void repeatedRunsLeavingChildrenLeaveNothingBehind() throws Exception {
    for (int i = 0; i < 10; i++) { // warm up thread pools (the JDK's reaper threads are cached)
      runner.run(sh("sleep " + MARK + " & exit 0", Duration.ofSeconds(5)));
    }
    int threadsBefore = Thread.activeCount();
    long fdsBefore = openDescriptors();
    List<Duration> elapsed = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      elapsed.add(runner.run(sh("sleep " + MARK + " & exit 0", Duration.ofSeconds(5))).elapsed());
    }
    assertThat(leftovers()).isZero();
    assertThat(openDescriptors()).isLessThanOrEqualTo(fdsBefore + 2);
    assertThat(Thread.activeCount())
        .isLessThan(threadsBefore + 20); // the reaper pool, not one per run
    assertThat(elapsed.subList(190, 200))
        .allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(1)));
    assertThat(runner.stats().leftoversKilled()).isEqualTo(210);
    assertThat(runner.stats().live()).isZero();
  }

  static long leftovers() {
    return ProcessTable.running("sleep", MARK);
  }

  static long openDescriptors() {
    return ProcessTable.descriptors(ProcessHandle.current().pid());
  }
}
