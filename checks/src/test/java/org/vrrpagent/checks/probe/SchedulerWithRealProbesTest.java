package org.vrrpagent.checks.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.vrrpagent.checks.CheckScheduler;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.CheckStatus;
import org.vrrpagent.checks.CheckTransition;
import org.vrrpagent.checks.DnsProbeSpec;
import org.vrrpagent.checks.ExecutorTaskScheduler;
import org.vrrpagent.checks.ScriptProbeSpec;
import org.vrrpagent.checks.Ticker;

/**
 * The production wiring — real clock, one scheduler thread, real probes — against a real unbound.
 */
class SchedulerWithRealProbesTest {

  @Test
  void resolverStoppedAndStartedAgainMovesTheCheckDownAndUp() throws Exception {
    List<CheckTransition> transitions = new CopyOnWriteArrayList<>();
    try (ProbeFactory probes = new ProbeFactory();
        UnboundServer unbound = new UnboundServer();
        ExecutorTaskScheduler tasks = ExecutorTaskScheduler.singleThread();
        CheckScheduler scheduler = new CheckScheduler(Ticker.SYSTEM, tasks, 1, true)) {
      scheduler.addListener(transitions::add);
      DnsProbeSpec dns = DnsProbeSpec.of(unbound.server(), "txt.test", "TXT");
      scheduler.add(
          new CheckSpec("named_ok", dns, Duration.ofMillis(200), null, 2, 2, null),
          probes.create(dns));
      scheduler.start();
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> scheduler.status("named_ok").orElseThrow().counters().runs("up") >= 3);
      assertThat(transitions)
          .as("initial down, up after rise=2")
          .singleElement()
          .extracting(CheckTransition::up)
          .isEqualTo(true);
      transitions.clear();

      unbound.stop();
      Awaitility.await("DOWN after fall=2 failures")
          .atMost(Duration.ofSeconds(5))
          .until(() -> !scheduler.isUp("named_ok"));
      assertThat(transitions)
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.up()).isFalse();
                assertThat(t.cause().reason()).startsWith("DNS " + unbound.server() + ": ");
              });

      unbound.start();
      Awaitility.await("UP after rise=2 successes")
          .atMost(Duration.ofSeconds(10))
          .until(() -> scheduler.isUp("named_ok"));
      CheckStatus st = scheduler.status("named_ok").orElseThrow();
      assertThat(st.lastResult().orElseThrow().reason())
          .isEqualTo("DNS " + unbound.server() + ": NOERROR, 1 TXT answer");
      assertThat(st.counters().runs("skipped")).isZero();
    }
  }

  @Test
  void aThousandChecksRunOnAHandfulOfPlatformThreads() throws Exception {
    int platformBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    try (ProbeFactory probes = new ProbeFactory();
        UnboundServer unbound = new UnboundServer();
        ExecutorTaskScheduler tasks = ExecutorTaskScheduler.singleThread();
        CheckScheduler scheduler = new CheckScheduler(Ticker.SYSTEM, tasks, 1, true)) {
      DnsProbeSpec dns = DnsProbeSpec.of(unbound.server(), "a.test", "A");
      for (int i = 0; i < 1000; i++) {
        scheduler.add(
            new CheckSpec(
                "dns-" + i, dns, Duration.ofSeconds(1), Duration.ofMillis(800), null, 2, null),
            probes.create(dns));
      }
      scheduler.start();
      Awaitility.await("every check ran twice")
          .atMost(Duration.ofSeconds(15))
          .until(() -> scheduler.statuses().stream().allMatch(s -> s.counters().runs("up") >= 2));
      int platformDuring = ManagementFactory.getThreadMXBean().getThreadCount();
      assertThat(platformDuring - platformBefore)
          .as("platform threads added for 1000 checks")
          .isLessThan(20);
      assertThat(scheduler.statuses())
          .allMatch(CheckStatus::up)
          .allMatch(
              s ->
                  s.counters().runs("down")
                          + s.counters().runs("timeout")
                          + s.counters().runs("skipped")
                      == 0);
    }
  }

  @Test
  void scriptChecksCostAtMostTwoPlatformThreadsEachWhileRunning() throws Exception {
    int platformBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    try (ProbeFactory probes = new ProbeFactory();
        ExecutorTaskScheduler tasks = ExecutorTaskScheduler.singleThread();
        CheckScheduler scheduler = new CheckScheduler(Ticker.SYSTEM, tasks, 1, false)) {
      ScriptProbeSpec slow = ScriptProbeSpec.of("/bin/sleep", "0.5");
      for (int i = 0; i < 50; i++) {
        scheduler.add(
            new CheckSpec("script-" + i, slow, Duration.ofSeconds(2), null, null, null, null),
            probes.create(slow));
      }
      scheduler.start();
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> scheduler.statuses().stream().allMatch(s -> s.counters().runs("up") >= 1));
      // 50 scripts at once: the JDK's process reaper (one platform thread per child) and the
      // blocking pipe read
      // (its virtual thread pins a carrier, which the pool compensates for) are the whole cost.
      assertThat(ManagementFactory.getThreadMXBean().getPeakThreadCount() - platformBefore)
          .isLessThanOrEqualTo(2 * 50 + 20);
    }
  }
}
