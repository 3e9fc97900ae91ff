package org.vrrpagent.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scheduler in virtual time: every assertion is about an exact virtual instant. */
class CheckSchedulerTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;
  private static final ProbeSpec ANY = new FileProbeSpec(java.nio.file.Path.of("/unused"));

  private final VirtualTime time = new VirtualTime();
  private final CheckScheduler scheduler = new CheckScheduler(time, time, 42, false);
  private final List<String> events = new ArrayList<>();

  CheckSchedulerTest() {
    scheduler.addListener(
        new CheckListener() {
          @Override
          public void onTransition(CheckTransition t) {
            events.add(
                time.nanoTime() / MS
                    + "ms "
                    + t.check()
                    + (t.up() ? " UP" : " DOWN")
                    + " ("
                    + t.cause().reason()
                    + ")");
          }
        });
  }

  private static CheckSpec spec(
      String name, long intervalMs, Long timeoutMs, int rise, int fall, CheckSpec.Initial initial) {
    return new CheckSpec(
        name,
        ANY,
        Duration.ofMillis(intervalMs),
        timeoutMs == null ? null : Duration.ofMillis(timeoutMs),
        rise,
        fall,
        initial == null ? CheckSpec.Initial.UP : initial);
  }

  private static List<Long> ms(List<Long> nanos) {
    return nanos.stream().map(n -> n / MS).toList();
  }

  @Test
  void runsStartExactlyEveryInterval() {
    ScriptedProbe probe = new ScriptedProbe(time, new ScriptedProbe.Step(true, 30 * MS));
    scheduler.add(spec("c", 1000, null, 1, 1, null), probe);
    scheduler.start();
    time.advanceTo(5 * S);
    assertThat(ms(probe.startTimesNanos)).containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L);
    assertThat(probe.timeoutsSeen).allMatch(t -> t.equals(Duration.ofSeconds(1)));
    CheckStatus st = scheduler.status("c").orElseThrow();
    assertThat(st.counters().runs("up"))
        .isEqualTo(5); // the run started at 5000 ms answers at 5030 ms
    assertThat(st.lastResult()).get().extracting(ProbeResult::latencyNanos).isEqualTo(30 * MS);
  }

  @Test
  void slowProbesDoNotDriftTheSchedule() {
    ScriptedProbe probe = new ScriptedProbe(time, new ScriptedProbe.Step(true, 999 * MS));
    scheduler.add(spec("c", 1000, null, 1, 1, null), probe);
    scheduler.start();
    time.advanceTo(10 * S);
    assertThat(ms(probe.startTimesNanos))
        .containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L, 7000L, 8000L, 9000L, 10000L);
    assertThat(scheduler.status("c").orElseThrow().counters().runs("skipped")).isZero();
  }

  @Test
  void timeoutDefaultsToTheIntervalAndBooksDownAtExactlyTheTimeout() {
    ScriptedProbe probe =
        new ScriptedProbe(time, new ScriptedProbe.Step(true, 10 * MS)).then(true, -1);
    scheduler.add(spec("c", 1000, null, 1, 1, null), probe);
    scheduler.start();
    time.advanceTo(999 * MS);
    assertThat(scheduler.isUp("c")).isTrue();
    assertThat(events).isEmpty();
    time.advanceTo(1000 * MS);
    assertThat(events).containsExactly("1000ms c DOWN (timed out after 1s)");
    CheckStatus st = scheduler.status("c").orElseThrow();
    assertThat(st.counters().runs("timeout")).isEqualTo(1);
    assertThat(st.lastResult().orElseThrow().latencyNanos()).isEqualTo(S);
  }

  @Test
  void explicitTimeoutShorterThanInterval() {
    ScriptedProbe probe =
        new ScriptedProbe(time, new ScriptedProbe.Step(true, 10 * MS)).then(true, 400 * MS);
    scheduler.add(spec("c", 1000, 250L, 1, 1, null), probe);
    scheduler.start();
    time.advanceTo(249 * MS);
    assertThat(events).isEmpty();
    time.advanceTo(250 * MS);
    assertThat(events).containsExactly("250ms c DOWN (timed out after 250ms)");
    time.advanceTo(400 * MS); // the real answer comes late: counted, dropped
    CheckStatus st = scheduler.status("c").orElseThrow();
    assertThat(st.counters().late()).isEqualTo(1);
    assertThat(st.up()).isFalse();
    time.advanceTo(1010 * MS); // next run at 1000 ms answers up at 1010 ms
    assertThat(events)
        .containsExactly("250ms c DOWN (timed out after 250ms)", "1010ms c UP (fake up)");
    assertThat(probe.timeoutsSeen.getFirst()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void timeoutLongerThanIntervalIsRefused() {
    assertThatThrownBy(() -> spec("c", 1000, 1001L, 1, 1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout 1001ms is longer than interval 1s (expected: at most the interval)");
  }

  @Test
  void fallNeedsThatManyDownResultsInARow() {
    ScriptedProbe probe =
        new ScriptedProbe(time, new ScriptedProbe.Step(true, 10 * MS))
            .then(false, 10 * MS)
            .then(false, 10 * MS)
            .then(true, 10 * MS) // reset by one up
            .then(false, 10 * MS)
            .then(false, 10 * MS)
            .then(false, 10 * MS); // third down in a row at 5010 ms
    scheduler.add(spec("c", 1000, null, 1, 3, null), probe);
    scheduler.start();
    time.advanceTo(5009 * MS);
    assertThat(events).isEmpty();
    assertThat(scheduler.status("c").orElseThrow().partialCount()).isEqualTo(2);
    time.advanceTo(5010 * MS);
    assertThat(events).containsExactly("5010ms c DOWN (fake down)");
  }

  @Test
  void riseNeedsThatManyUpResultsInARow() {
    ScriptedProbe probe =
        new ScriptedProbe(time, new ScriptedProbe.Step(true, 10 * MS))
            .then(false, 10 * MS) // down at 10 ms (fall 1)
            .then(true, 10 * MS)
            .then(false, 10 * MS) // one up, reset
            .then(true, 10 * MS)
            .then(true, 10 * MS); // up at 5010 ms (rise 2)
    scheduler.add(spec("c", 1000, null, 2, 1, null), probe);
    scheduler.start();
    time.advanceTo(10 * S);
    assertThat(events).containsExactly("10ms c DOWN (fake down)", "4010ms c UP (fake up)");
  }

  @Test
  void initialDownStaysDownUntilRiseUpResults() {
    ScriptedProbe probe = new ScriptedProbe(time, new ScriptedProbe.Step(true, 20 * MS));
    scheduler.add(spec("c", 1000, null, 3, 1, CheckSpec.Initial.DOWN), probe);
    scheduler.start();
    time.runDue();
    assertThat(scheduler.isUp("c")).isFalse();
    time.advanceTo(2019 * MS);
    assertThat(scheduler.isUp("c")).isFalse();
    time.advanceTo(2020 * MS);
    assertThat(events).containsExactly("2020ms c UP (fake up)");
  }

  @Test
  void initialUpIsUpBeforeTheFirstResult() {
    ScriptedProbe probe = new ScriptedProbe(time, new ScriptedProbe.Step(false, 20 * MS));
    scheduler.add(spec("c", 1000, null, 1, 2, CheckSpec.Initial.UP), probe);
    scheduler.start();
    time.runDue();
    assertThat(scheduler.isUp("c")).isTrue();
    time.advanceTo(1020 * MS);
    assertThat(events).containsExactly("1020ms c DOWN (fake down)");
  }

  @Test
  void aRunStillGoingWhenTheNextIsDueIsSkippedAndCounted() {
    // No timeout before the next run is due (timeout = interval, and the timed-out run is retried
    // at once,
    // see below), so use a run that keeps going: the first run never finishes before 3500 ms.
    // Timeout 1000 ms books it down at 1000 ms; the run due at 1000 ms waits for it; at 2000 and
    // 3000 ms
    // it is still going: the waiting run is dropped and counted as skipped, twice; when the probe
    // finally
    // finishes at 3500 ms nothing is waiting, and the next run starts on schedule at 4000 ms.
    ScriptedProbe probe =
        new ScriptedProbe(time, new ScriptedProbe.Step(true, 10 * MS)).then(true, 3500 * MS);
    scheduler.add(spec("c", 1000, null, 1, 1, null), probe);
    scheduler.start();
    time.advanceTo(4010 * MS);
    assertThat(ms(probe.startTimesNanos)).containsExactly(0L, 4000L);
    CheckCounters c = scheduler.status("c").orElseThrow().counters();
    assertThat(c.runs("skipped")).isEqualTo(2);
    assertThat(c.runs("timeout")).isEqualTo(1);
    assertThat(c.late()).isEqualTo(1);
    assertThat(c.runs("up")).isEqualTo(1);
    assertThat(events)
        .containsExactly("1000ms c DOWN (timed out after 1s)", "4010ms c UP (fake up)");
  }

  @Test
  void aRunDueWhileATimedOutProbeIsFinishingStartsWhenItFinishes() {
    // The probe honours the 1 s timeout but reports 2 ms after the scheduler booked the timeout:
    // the run due
    // at 1000 ms starts at 1002 ms instead of being skipped; the schedule stays on whole seconds.
    ScriptedProbe probe =
        new ScriptedProbe(time, new ScriptedProbe.Step(true, 10 * MS)).then(false, 1002 * MS);
    scheduler.add(spec("c", 1000, null, 1, 1, null), probe);
    scheduler.start();
    time.advanceTo(2010 * MS);
    assertThat(ms(probe.startTimesNanos)).containsExactly(0L, 1002L, 2000L);
    assertThat(scheduler.status("c").orElseThrow().counters().runs("skipped")).isZero();
    assertThat(events)
        .containsExactly("1000ms c DOWN (timed out after 1s)", "1012ms c UP (fake up)");
  }

  @Test
  void firstRunsAreSpreadOverTheIntervalDeterministically() {
    CheckScheduler spread = new CheckScheduler(time, time, 7, true);
    List<ScriptedProbe> probes = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ScriptedProbe p = new ScriptedProbe(time, new ScriptedProbe.Step(true, MS));
      probes.add(p);
      spread.add(spec("check-" + i, 1000, null, 1, 1, null), p);
    }
    spread.start();
    time.advanceTo(999 * MS + MS - 1);
    int[] buckets = new int[10];
    for (int i = 0; i < probes.size(); i++) {
      ScriptedProbe p = probes.get(i);
      long expected = CheckScheduler.firstRunOffsetNanos(7, "check-" + i, S);
      assertThat(p.startTimesNanos).as("check-%d", i).containsExactly(expected);
      buckets[(int) (expected / (100 * MS))]++;
    }
    // 1000 checks over ten 100 ms slices: no slice holds more than 15% or less than 5%.
    assertThat(java.util.Arrays.stream(buckets).boxed().toList())
        .allMatch(n -> n >= 50 && n <= 150);
    // deterministic: same seed and name → same offset; other seed → different offsets
    Set<Long> other = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      assertThat(CheckScheduler.firstRunOffsetNanos(7, "check-" + i, S))
          .isEqualTo(CheckScheduler.firstRunOffsetNanos(7, "check-" + i, S));
      other.add(
          CheckScheduler.firstRunOffsetNanos(8, "check-" + i, S)
              - CheckScheduler.firstRunOffsetNanos(7, "check-" + i, S));
    }
    assertThat(other).hasSizeGreaterThan(90);
    // after the first run, every check keeps its own phase
    time.advanceTo(1999 * MS + MS - 1);
    assertThat(probes.getFirst().startTimesNanos).hasSize(2);
    assertThat(probes.getFirst().startTimesNanos.get(1) - probes.getFirst().startTimesNanos.get(0))
        .isEqualTo(S);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void seededRandomResultsFollowTheRiseFallRule(long seed) {
    // Reference model: walk the same random results by hand and compare every transition instant.
    java.util.Random random = new java.util.Random(seed);
    int rise = 1 + random.nextInt(4);
    int fall = 1 + random.nextInt(4);
    ScriptedProbe probe = new ScriptedProbe(time, new ScriptedProbe.Step(true, MS));
    List<String> expected = new ArrayList<>();
    boolean up = true;
    int partial = 0;
    for (int i = 0; i < 300; i++) {
      boolean r = random.nextInt(3) != 0;
      probe.then(r, MS);
      if (r == up) {
        partial = 0;
      } else if (++partial >= (up ? fall : rise)) {
        up = r;
        partial = 0;
        expected.add((i * 100 + 1) + "ms c " + (up ? "UP (fake up)" : "DOWN (fake down)"));
      }
    }
    scheduler.add(spec("c", 100, null, rise, fall, null), probe);
    scheduler.start();
    time.advanceTo(299 * 100 * MS + 2 * MS);
    assertThat(events).as("seed=%d rise=%d fall=%d", seed, rise, fall).isEqualTo(expected);
  }

  @Test
  void aThrowingListenerIsCountedAndOthersStillHear() {
    scheduler.addListener(
        t -> {
          throw new IllegalStateException("boom");
        });
    List<CheckTransition> seen = new ArrayList<>();
    scheduler.addListener(seen::add);
    ScriptedProbe probe = new ScriptedProbe(time, new ScriptedProbe.Step(false, MS));
    scheduler.add(spec("c", 1000, null, 1, 1, null), probe);
    scheduler.start();
    time.advanceTo(10 * MS);
    assertThat(seen).hasSize(1);
    assertThat(scheduler.listenerErrors()).isEqualTo(1);
  }

  @Test
  void aThrowingProbeIsADownResult() {
    scheduler.add(
        spec("c", 1000, null, 1, 1, null),
        timeout -> {
          throw new IllegalStateException("bad probe");
        });
    scheduler.start();
    time.runDue();
    assertThat(events)
        .containsExactly("0ms c DOWN (probe failed: java.lang.IllegalStateException: bad probe)");
  }

  @Test
  void removeStopsRunsAndClosesTheProbe() {
    ScriptedProbe probe = new ScriptedProbe(time, new ScriptedProbe.Step(true, MS));
    scheduler.add(spec("c", 1000, null, 1, 1, null), probe);
    scheduler.start();
    time.advanceTo(1500 * MS);
    scheduler.remove("c");
    time.advanceTo(5 * S);
    assertThat(ms(probe.startTimesNanos)).containsExactly(0L, 1000L);
    assertThat(probe.closed).isTrue();
    assertThat(scheduler.status("c")).isEmpty();
  }

  @Test
  void runNowRunsAtOnceWithoutMovingTheSchedule() {
    ScriptedProbe probe = new ScriptedProbe(time, new ScriptedProbe.Step(true, MS));
    scheduler.add(spec("c", 1000, null, 1, 1, null), probe);
    scheduler.start();
    time.advanceTo(300 * MS);
    scheduler.runNow("c");
    time.advanceTo(2000 * MS);
    assertThat(ms(probe.startTimesNanos)).containsExactly(0L, 300L, 1000L, 2000L);
  }

  @Test
  void runNowDuringARunRunsAgainWhenItFinishes() {
    ScriptedProbe probe = new ScriptedProbe(time, new ScriptedProbe.Step(true, 100 * MS));
    scheduler.add(spec("c", 1000, null, 1, 1, null), probe);
    scheduler.start();
    time.advanceTo(50 * MS);
    scheduler.runNow("c");
    time.advanceTo(1000 * MS);
    assertThat(ms(probe.startTimesNanos)).containsExactly(0L, 100L, 1000L);
  }

  @Test
  void duplicateNamesAreRefused() {
    scheduler.add(
        spec("c", 1000, null, 1, 1, null),
        new ScriptedProbe(time, new ScriptedProbe.Step(true, MS)));
    assertThatThrownBy(
            () ->
                scheduler.add(
                    spec("c", 1000, null, 1, 1, null),
                    new ScriptedProbe(time, new ScriptedProbe.Step(true, MS))))
        .hasMessage("check c: already exists");
  }
}
