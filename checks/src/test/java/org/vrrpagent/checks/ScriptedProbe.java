package org.vrrpagent.checks;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A probe for scheduler tests: each run answers with the next scripted step after that step's
 * virtual duration.
 */
final class ScriptedProbe implements Probe {
  /** One run: its verdict, and how long it takes; {@code durationNanos < 0} never completes. */
  record Step(boolean up, long durationNanos) {}

  private final VirtualTime time;
  private final Deque<Step> steps = new ArrayDeque<>();
  private Step fallback;
  final List<Long> startTimesNanos = new ArrayList<>();
  final List<Duration> timeoutsSeen = new ArrayList<>();
  final List<CompletableFuture<ProbeResult>> pending = new ArrayList<>();
  boolean closed;

  ScriptedProbe(VirtualTime time, Step fallback) {
    this.time = time;
    this.fallback = fallback;
  }

  ScriptedProbe then(boolean up, long durationNanos) {
    steps.add(new Step(up, durationNanos));
    return this;
  }

  void setFallback(Step fallback) {
    this.fallback = fallback;
  }

  @Override
  public CompletionStage<ProbeResult> run(Duration timeout) {
    startTimesNanos.add(time.nanoTime());
    timeoutsSeen.add(timeout);
    Step step = steps.isEmpty() ? fallback : steps.poll();
    CompletableFuture<ProbeResult> f = new CompletableFuture<>();
    pending.add(f);
    if (step.durationNanos() >= 0) {
      ProbeResult r =
          step.up()
              ? ProbeResult.up("fake up", step.durationNanos())
              : ProbeResult.down("fake down", step.durationNanos());
      time.schedule(() -> f.complete(r), step.durationNanos());
    }
    return f;
  }

  @Override
  public void close() {
    closed = true;
  }
}
