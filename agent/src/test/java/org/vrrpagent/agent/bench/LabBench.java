package org.vrrpagent.agent.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The lab benchmarks (not tests: they print numbers for docs/benchmarks.md). Run as root with
 * {@code bin/lab-bench}:
 *
 * <pre>
 *   bin/lab-bench failover [REPETITIONS]                      # default 10
 *   bin/lab-bench footprint [DURATION [SET,SET,...]]          # default 2m launcher
 *   bin/lab-bench chaos [DURATION]                            # default 10m; see ChaosBench
 *   bin/lab-bench cpu-many [DURATION [RUNS]]                  # default 60s 1; see CpuBench
 *   bin/lab-bench busy [DURATION [CHECKS]]                    # default 10m 1000; see CpuBench
 *   bin/lab-bench memory [SETTLE]                             # NMT + class histogram; MemoryBench
 *   bin/lab-bench side-by-side [RUNS | --short]               # the table; SideBySideBench
 * </pre>
 *
 * The chaos soak takes {@code -Dbench.window=45s} (convergence window, default 30 s), {@code
 * -Dbench.seed=N}, {@code -Dchaos.faults=loss,delay,duplicate} (only those faults), {@code
 * -Dchaos.mail=false} (no mail to the dead SMTP server) and {@code -Dbench.launcher=PATH} (a
 * vrrp-agent launcher to run instead of this checkout's bin/vrrp-agent); it exits 1 when an
 * invariant broke. DURATION is ISO-8601 ({@code PT10M}) or a number with s/m/h ({@code 90s}, {@code
 * 10m}). SETs are named in {@link FootprintBench#optionSet}.
 */
public final class LabBench {
  private LabBench() {}

  public static void main(String[] args) {
    if (args.length == 0) {
      usage();
      return;
    }
    switch (args[0]) {
      case "failover" ->
          new FailoverBench(args.length > 1 ? Integer.parseInt(args[1]) : 10, System.out).run();
      case "footprint" -> {
        Duration d = args.length > 1 ? duration(args[1]) : Duration.ofMinutes(2);
        List<String> sets =
            args.length > 2 ? Arrays.asList(args[2].split(",")) : List.of("launcher");
        int startups = Integer.getInteger("bench.startups", 5);
        new FootprintBench(d, startups, System.out).run(sets);
      }
      case "cpu-many" ->
          new CpuBench(System.out)
              .many(
                  args.length > 1 ? duration(args[1]) : Duration.ofSeconds(60),
                  args.length > 2 ? Integer.parseInt(args[2]) : 1);
      case "busy" ->
          new CpuBench(System.out)
              .busy(
                  args.length > 1 ? duration(args[1]) : Duration.ofMinutes(10),
                  args.length > 2 ? Integer.parseInt(args[2]) : 1000);
      case "side-by-side" -> {
        boolean shortRun = args.length > 1 && args[1].equals("--short");
        int runs = shortRun ? 1 : args.length > 1 ? Integer.parseInt(args[1]) : 5;
        new SideBySideBench(runs, shortRun, System.out).run();
      }
      case "memory" ->
          new MemoryBench(
                  duration(args.length > 1 ? args[1] : System.getProperty("bench.settle", "30s")),
                  System.out)
              .run();
      case "chaos" -> {
        Duration d = args.length > 1 ? duration(args[1]) : Duration.ofMinutes(10);
        Duration window = duration(System.getProperty("bench.window", "30s"));
        long seed = Long.getLong("bench.seed", System.nanoTime());
        boolean mail = Boolean.parseBoolean(System.getProperty("chaos.mail", "true"));
        if (!new ChaosBench(d, window, seed, mail, System.out).run().isEmpty()) {
          System.exit(1);
        }
      }
      default -> usage();
    }
    System.exit(0);
  }

  static Duration duration(String text) {
    if (text.startsWith("P") || text.startsWith("p")) {
      return Duration.parse(text);
    }
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default ->
          throw new IllegalArgumentException(
              "duration " + text + " (expected e.g. 90s, 10m, PT10M)");
    };
  }

  private static void usage() {
    System.err.println(
        """
        usage: bin/lab-bench failover [REPETITIONS]
               bin/lab-bench footprint [DURATION [SET,...]]
               bin/lab-bench chaos [DURATION]
               bin/lab-bench cpu-many [DURATION [RUNS]]    # 255 instances x 100 ms pair: CPU
               bin/lab-bench busy [DURATION [CHECKS]]      # 10 ms pair, cores busy: gaps
               bin/lab-bench memory [SETTLE]
               bin/lab-bench side-by-side [RUNS | --short]
        SETs: launcher, first-guess, jvm-default, serial-c2, first-guess-noshare, g1-small; add +aot for an AOT cache""");
    System.exit(2);
  }
}
