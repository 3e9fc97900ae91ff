package org.vrrpagent.checks.probe;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.vrrpagent.checks.CheckScheduler;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.DnsProbeSpec;
import org.vrrpagent.checks.ExecutorTaskScheduler;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.Ticker;

/**
 * Sustained DNS probes per second against a local unbound, and the CPU they cost. Not a test: a
 * main() that prints a table (see docs/benchmarks.md for how to run it).
 *
 * <ol>
 *   <li>closed loop: {@code concurrency} probes, each re-run as soon as it answers (the ceiling);
 *   <li>scheduled: {@code checks} checks at a 1 s interval through CheckScheduler (the product's
 *       path).
 * </ol>
 *
 * Arguments: [seconds=10] [concurrency=64] [checks=5000].
 */
public final class DnsProbeBenchmark {
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int checks = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
    try (ProbeFactory probes = new ProbeFactory();
        UnboundServer unbound = new UnboundServer()) {
      DnsProbeSpec spec = DnsProbeSpec.of(unbound.server(), "txt.test", "TXT");
      System.out.printf(
          "cores=%d  java=%s  unbound pid=%d%n",
          Runtime.getRuntime().availableProcessors(), Runtime.version(), unbound.pid());
      System.out.println(
          "| mode | probes/s | up | down | JVM CPU (cores) | unbound CPU (cores) | JVM CPU µs/probe |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|");
      closedLoop(probes, spec, unbound, concurrency, 3, false);
      closedLoop(probes, spec, unbound, concurrency, seconds, true);
      scheduled(probes, spec, unbound, checks, seconds);
    }
  }

  private static void closedLoop(
      ProbeFactory probes,
      DnsProbeSpec spec,
      UnboundServer unbound,
      int concurrency,
      int seconds,
      boolean print)
      throws Exception {
    LongAdder up = new LongAdder();
    LongAdder down = new LongAdder();
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch stopped = new CountDownLatch(concurrency);
    Sample before = Sample.take(unbound.pid());
    for (int i = 0; i < concurrency; i++) {
      loop(probes.create(spec), up, down, running, stopped);
    }
    Thread.sleep(seconds * 1000L); // measuring window of a benchmark, not a test assertion
    running.set(false);
    Sample after = Sample.take(unbound.pid());
    stopped.await();
    if (print) {
      row("closed loop, " + concurrency + " in flight", before, after, up.sum(), down.sum());
    }
  }

  private static void loop(
      Probe probe, LongAdder up, LongAdder down, AtomicBoolean running, CountDownLatch stopped) {
    probe
        .run(Duration.ofSeconds(1))
        .whenComplete(
            (r, e) -> {
              (r != null && r.isUp() ? up : down).increment();
              if (running.get()) {
                loop(probe, up, down, running, stopped);
              } else {
                stopped.countDown();
              }
            });
  }

  private static void scheduled(
      ProbeFactory probes, DnsProbeSpec spec, UnboundServer unbound, int checks, int seconds)
      throws Exception {
    try (ExecutorTaskScheduler tasks = ExecutorTaskScheduler.singleThread();
        CheckScheduler scheduler = new CheckScheduler(Ticker.SYSTEM, tasks, 1, true)) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < checks; i++) {
        names.add("dns-" + i);
        scheduler.add(
            new CheckSpec("dns-" + i, spec, Duration.ofSeconds(1), null, null, null, null),
            probes.create(spec));
      }
      scheduler.start();
      Thread.sleep(3000); // warm-up: every check has run at least twice
      long[] c0 = counts(scheduler);
      Sample before = Sample.take(unbound.pid());
      Thread.sleep(seconds * 1000L);
      Sample after = Sample.take(unbound.pid());
      long[] c1 = counts(scheduler);
      row("scheduled, " + checks + " checks @ 1s", before, after, c1[0] - c0[0], c1[1] - c0[1]);
      System.out.printf(
          "(scheduled: %d skipped runs, %d late results)%n", c1[2] - c0[2], c1[3] - c0[3]);
    }
  }

  private static long[] counts(CheckScheduler s) {
    long[] c = new long[4];
    s.statuses()
        .forEach(
            st -> {
              c[0] += st.counters().runs("up");
              c[1] += st.counters().runs("down") + st.counters().runs("timeout");
              c[2] += st.counters().runs("skipped");
              c[3] += st.counters().late();
            });
    return c;
  }

  private static void row(String mode, Sample before, Sample after, long up, long down) {
    double secs = (after.wallNanos - before.wallNanos) / 1e9;
    double jvmCores = (after.jvmCpuNanos - before.jvmCpuNanos) / 1e9 / secs;
    double unboundCores =
        (after.unboundTicks - before.unboundTicks) / (double) TICKS_PER_SECOND / secs;
    double perProbeMicros = (after.jvmCpuNanos - before.jvmCpuNanos) / 1e3 / Math.max(1, up + down);
    System.out.printf(
        "| %s | %,.0f | %,d | %,d | %.2f | %.2f | %.1f |%n",
        mode, (up + down) / secs, up, down, jvmCores, unboundCores, perProbeMicros);
  }

  private record Sample(long wallNanos, long jvmCpuNanos, long unboundTicks) {
    static Sample take(long unboundPid) throws Exception {
      var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      String stat = Files.readString(Path.of("/proc/" + unboundPid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
      return new Sample(System.nanoTime(), os.getProcessCpuTime(), ticks);
    }
  }

  private DnsProbeBenchmark() {}
}
