package org.vrrpagent.agent.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vrrpagent.agent.e2e.LabConfigs;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * One vrrp-agent instance at a 100 ms advert interval (VRRPv3, alone on the link, so it is master),
 * run for a while under each JVM option set: its resident memory over time ({@code VmRSS} from
 * {@code /proc/PID/status}, sampled every second), its CPU time, and how late its adverts are,
 * measured on the wire: tcpdump in a second host stamps each advert and lateness = inter-arrival
 * time − 100 ms. Start-up time = from launching java to the daemon's "INIT -> BACKUP" log line (its
 * own millisecond timestamp), several times per option set.
 *
 * <p>An option set whose name ends in {@code +aot} first makes an AOT cache (JEP 483/514: a
 * training run with {@code -XX:AOTCacheOutput}, which runs the daemon until it is master for a few
 * seconds and then stops it with SIGTERM), then runs with {@code -XX:AOTCache} and {@code
 * -XX:AOTMode=on} (which refuses to start if the cache cannot be used).
 */
final class FootprintBench {
  static final long INTERVAL_MILLIS = 100;
  static final String VIP_WITH_PREFIX = "198.18.0.100/24";

  /** RSS sampling period. */
  static final Duration SAMPLE_PERIOD = Duration.ofSeconds(1);

  /** How long the AOT training run stays master before it is stopped. */
  static final Duration TRAINING = Duration.ofSeconds(10);

  static final List<String> FIRST_GUESS =
      List.of(
          "-Xms16m",
          "-Xmx96m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Xss512k",
          "-XX:+UseCompactObjectHeaders",
          "-Xshare:auto");

  /**
   * Not a JVM: Debian's keepalived with the same instance, as the yardstick on the same machine at
   * the same time.
   */
  static final String KEEPALIVED = "keepalived";

  /** A named set of JVM options. */
  record OptionSet(String name, List<String> options, boolean aot) {}

  /** One run's results. */
  record Result(
      OptionSet set,
      List<String> effectiveOptions,
      Distribution startupMillis,
      List<long[]> rssSamples,
      double cpuSeconds,
      double runSeconds,
      Distribution latenessMillis,
      int adverts,
      String aotNote) {}

  private static final Pattern LOG_TIME = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) ");

  private final Duration duration;
  private final int startups;
  private final PrintStream out;

  FootprintBench(Duration duration, int startups, PrintStream out) {
    this.duration = duration;
    this.startups = startups;
    this.out = out;
  }

  /**
   * Resolves a set's name: launcher, first-guess, jvm-default, serial-c2, first-guess-noshare,
   * g1-small; "+aot" adds an AOT cache.
   */
  static OptionSet optionSet(String spec, BenchLab lab) {
    boolean aot = spec.endsWith("+aot");
    String base = aot ? spec.substring(0, spec.length() - 4) : spec;
    List<String> options =
        switch (base) {
          case "launcher" -> lab.launcherJvmOptions();
          case "first-guess" -> FIRST_GUESS;
          case "jvm-default" -> List.of();
          case "serial-c2" ->
              List.of(
                  "-Xms16m",
                  "-Xmx96m",
                  "-XX:+UseSerialGC",
                  "-Xss512k",
                  "-XX:+UseCompactObjectHeaders",
                  "-Xshare:auto");
          case "first-guess-noshare" ->
              FIRST_GUESS.stream().map(o -> o.equals("-Xshare:auto") ? "-Xshare:off" : o).toList();
          case "g1-small" ->
              List.of(
                  "-Xms16m", "-Xmx96m", "-XX:+UseG1GC", "-Xss512k", "-XX:+UseCompactObjectHeaders");
          case KEEPALIVED -> List.of();
          default ->
              throw new IllegalArgumentException(
                  "unknown JVM option set "
                      + spec
                      + " (expected: launcher, first-guess, jvm-default, serial-c2, first-guess-noshare, g1-small, each optionally +aot;"
                      + " or keepalived)");
        };
    return new OptionSet(spec, options, aot);
  }

  /**
   * {@code -Dbench.checks=N}: the daemon also runs N DNS checks (interval 1 s) against an unbound
   * on host 1's loopback, one of them tracked, to see whether checks disturb the advert timing.
   */
  static final int CHECKS = Integer.getInteger("bench.checks", 0);

  static String yaml() {
    StringBuilder checks = new StringBuilder();
    if (CHECKS > 0) {
      checks.append("checks:\n");
      for (int i = 0; i < CHECKS; i++) {
        checks
            .append("  dns")
            .append(i)
            .append(":\n")
            .append(
                "    dns: { server: 127.0.0.1, name: example.org, type: TXT, answer-contains: bench }\n")
            .append("    interval: 1s\n");
      }
    }
    return checks
        + """
        node: bench
        instances:
          dns0:
            interface: eth0
            vrid: 61
            version: 3
            priority: 100
            advert-interval: 100ms
            addresses: [%s]
        """
            .formatted(VIP_WITH_PREFIX)
        + (CHECKS > 0 ? "    track:\n      - { check: dns0, weight: -10 }\n" : "");
  }

  /** unbound on host 1's loopback for the DNS checks of {@link #CHECKS}. */
  static void startUnbound(BenchLab lab) {
    org.vrrpagent.agent.e2e.Unbound.start(lab.lab, 1, "bench");
  }

  static String keepalivedConfig() {
    return LabConfigs.keepalived("bench", 61, 100, "0.1", VIP_WITH_PREFIX, "version 3", "");
  }

  private NetnsLab.LabProcess startDaemon(BenchLab lab, OptionSet set, List<String> options) {
    return set.name().equals(KEEPALIVED)
        ? lab.keepalived(1, keepalivedConfig())
        : lab.javaAgent(1, yaml(), options);
  }

  private static String backupLine(OptionSet set) {
    return set.name().equals(KEEPALIVED) ? "(dns0) Entering BACKUP STATE" : "dns0: INIT -> BACKUP";
  }

  private static String masterLine(OptionSet set) {
    return set.name().equals(KEEPALIVED)
        ? "(dns0) Entering MASTER STATE"
        : "dns0: BACKUP -> MASTER";
  }

  List<Result> run(List<String> specs) {
    List<Result> results = new ArrayList<>();
    try (BenchLab lab = new BenchLab(2);
        WireCapture wire = WireCapture.start(lab.lab, 2)) {
      List<OptionSet> sets = specs.stream().map(s -> optionSet(s, lab)).toList();
      if (CHECKS > 0) {
        startUnbound(lab);
        out.printf(
            Locale.ROOT, "== with %d DNS checks at 1 s against unbound on the same host%n", CHECKS);
      }
      for (OptionSet set : sets) {
        out.printf(Locale.ROOT, "== %s: %s%n", set.name(), String.join(" ", set.options()));
        Result r = once(lab, wire, set);
        results.add(r);
        printResult(r);
      }
    }
    printComparison(results);
    return results;
  }

  private Result once(BenchLab lab, WireCapture wire, OptionSet set) {
    List<String> options = new ArrayList<>(set.options());
    String aotNote = "";
    if (set.aot()) {
      options.removeIf(
          o -> o.startsWith("-Xshare:")); // the JVM refuses -Xshare with the AOT options
      Path cache = lab.workFile(set.name().replace('+', '-') + ".aot");
      long t = System.nanoTime();
      NetnsLab.LabProcess training =
          lab.javaAgent(1, yaml(), concat(options, "-XX:AOTCacheOutput=" + cache));
      lab.awaitLog(training, "-> MASTER", BenchLab.ELECTION);
      LockSupport.parkNanos(TRAINING.toNanos()); // a benchmark's training run, not a test's wait
      int status = lab.terminate(training);
      if (status != 0 || !Files.isRegularFile(cache)) {
        throw new IllegalStateException(
            "AOT training run: exit "
                + status
                + ", cache "
                + cache
                + " missing\n"
                + BenchLab.tail(training));
      }
      aotNote =
          String.format(
              Locale.ROOT,
              "training run + cache creation %.1f s, cache %d MiB",
              (System.nanoTime() - t) / 1e9,
              size(cache) >> 20);
      out.println("  AOT: " + aotNote);
      lab.removeAddress(1, VIP_WITH_PREFIX);
      options.add("-XX:AOTCache=" + cache);
      options.add("-XX:AOTMode=on");
    }

    List<Double> startup = new ArrayList<>();
    for (int i = 0; i < startups; i++) {
      Instant launched = Instant.now();
      long n0 = System.nanoTime();
      NetnsLab.LabProcess p = startDaemon(lab, set, options);
      lab.awaitLog(p, backupLine(set), BenchLab.ELECTION);
      startup.add(
          set.name().equals(KEEPALIVED)
              ? (System.nanoTime() - n0)
                  / 1e6 // keepalived's console log has no milliseconds: when the 10 ms poll saw it
              : (double)
                  Duration.between(launched, logTime(p, backupLine(set), launched)).toMillis());
      lab.crash(p);
      lab.removeAddress(1, VIP_WITH_PREFIX);
    }

    NetnsLab.LabProcess daemon = startDaemon(lab, set, options);
    lab.awaitLog(daemon, masterLine(set), BenchLab.ELECTION);
    Instant master = Instant.now();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<long[]> rss = new ArrayList<>(); // {seconds since master, VmRSS KiB, RssAnon KiB}
    long next = start;
    while (System.nanoTime() < end) {
      if (!daemon.process().isAlive()) {
        throw new IllegalStateException("the daemon died during the run\n" + BenchLab.tail(daemon));
      }
      rss.add(sample(start, daemon));
      next += SAMPLE_PERIOD.toNanos();
      LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
    }
    rss.add(sample(start, daemon));
    double cpu = tree(daemon).stream().mapToDouble(FootprintBench::cpuSeconds).sum();
    double ran = (System.nanoTime() - start) / 1e9;
    Instant stopped = Instant.now();
    int status = lab.terminate(daemon);
    if (status != 0) {
      throw new IllegalStateException(
          "exit status " + status + " after SIGTERM\n" + BenchLab.tail(daemon));
    }
    List<WireCapture.Advert> adverts =
        wire.from(lab.lab.ipv4(1).getHostAddress(), master, stopped).stream()
            .filter(a -> a.priority() > 0)
            .toList();
    List<Double> lateness = new ArrayList<>();
    for (int i = 1; i < adverts.size(); i++) {
      lateness.add(
          Duration.between(adverts.get(i - 1).time(), adverts.get(i).time()).toNanos() / 1e6
              - INTERVAL_MILLIS);
    }
    lab.removeAddress(1, VIP_WITH_PREFIX);
    return new Result(
        set,
        options,
        Distribution.of(startup),
        rss,
        cpu,
        ran,
        Distribution.of(lateness),
        adverts.size(),
        aotNote);
  }

  /**
   * {seconds since start, VmRSS KiB, RssAnon KiB}, summed over the process and its children
   * (keepalived has two).
   */
  private static long[] sample(long start, NetnsLab.LabProcess p) {
    long rss = 0;
    long anon = 0;
    for (long pid : tree(p)) {
      long[] kib = rssKiB(pid);
      rss += kib[0];
      anon += kib[1];
    }
    return new long[] {(System.nanoTime() - start) / 1_000_000_000L, rss, anon};
  }

  private static List<Long> tree(NetnsLab.LabProcess p) {
    List<Long> pids = new ArrayList<>();
    pids.add(p.pid());
    p.process().descendants().forEach(h -> pids.add(h.pid()));
    return pids;
  }

  /**
   * The wall-clock time of the first log line containing {@code text} (logback's HH:mm:ss.SSS,
   * local time).
   */
  private static Instant logTime(NetnsLab.LabProcess p, String text, Instant near) {
    for (String line : p.output().lines().toList()) {
      if (line.contains(text)) {
        Matcher m = LOG_TIME.matcher(line);
        if (!m.find()) {
          throw new IllegalStateException("no timestamp on log line: " + line);
        }
        ZoneId zone = ZoneId.systemDefault();
        LocalDate day = near.atZone(zone).toLocalDate();
        ZonedDateTime t = LocalTime.parse(m.group(1)).atDate(day).atZone(zone);
        if (t.toInstant().isBefore(near.minus(Duration.ofHours(12)))) {
          t = t.plusDays(1); // the run crossed midnight
        }
        return t.toInstant();
      }
    }
    throw new IllegalStateException("no '" + text + "' in the log");
  }

  /**
   * {VmRSS, RssAnon} in KiB from /proc/PID/status. RssAnon is the process's private memory (heap,
   * metaspace, compiled code, stacks); the rest of VmRSS is files mapped from disk (libjvm, the CDS
   * archive or AOT cache), shared with every other process mapping them.
   */
  static long[] rssKiB(long pid) {
    long rss = -1;
    long anon = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.substring(6).strip().split("\\s+")[0]);
        } else if (line.startsWith("RssAnon:")) {
          anon = Long.parseLong(line.substring(8).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/status", e);
    }
    if (rss < 0 || anon < 0) {
      throw new IllegalStateException("no VmRSS/RssAnon in /proc/" + pid + "/status");
    }
    return new long[] {rss, anon};
  }

  /** utime + stime from /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s). */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // f[0] is field 3 (state)
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/stat", e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  private static List<String> concat(List<String> a, String b) {
    List<String> l = new ArrayList<>(a);
    l.add(b);
    return l;
  }

  /**
   * The options as a command line, with the AOT cache's file name instead of its (temporary) path.
   */
  private static String shown(List<String> options) {
    return String.join(
        " ",
        options.stream()
            .map(
                o ->
                    o.startsWith("-XX:AOTCache=")
                        ? "-XX:AOTCache="
                            + Path.of(o.substring("-XX:AOTCache=".length())).getFileName()
                        : o)
            .toList());
  }

  private static double mib(long kib) {
    return kib / 1024.0;
  }

  private void printResult(Result r) {
    out.printf(Locale.ROOT, "  options: %s%n", shown(r.effectiveOptions()));
    out.printf(Locale.ROOT, "  start-up to INIT -> BACKUP (ms): %s%n", r.startupMillis());
    out.printf(
        Locale.ROOT,
        "  %d adverts in %.0f s, CPU %.2f s (%.2f %% of one core)%n",
        r.adverts(),
        r.runSeconds(),
        r.cpuSeconds(),
        100 * r.cpuSeconds() / r.runSeconds());
    out.println();
    out.println("| minutes as master | RSS MiB | of which private (RssAnon) MiB |");
    out.println("|---:|---:|---:|");
    long lastMinute = -1;
    for (long[] s : r.rssSamples()) {
      long minute = s[0] / 60;
      if (minute != lastMinute || s == r.rssSamples().getLast()) {
        out.printf(Locale.ROOT, "| %.1f | %.1f | %.1f |%n", s[0] / 60.0, mib(s[1]), mib(s[2]));
        lastMinute = minute;
      }
    }
    Distribution l = r.latenessMillis();
    out.println();
    out.printf(
        Locale.ROOT,
        "  advert lateness on the wire (ms): min %.2f p50 %.2f p99 %.2f p99.9 %.2f max %.2f (%d intervals)%n",
        l.min(),
        l.median(),
        l.percentile(99),
        l.percentile(99.9),
        l.max(),
        l.count());
  }

  private void printComparison(List<Result> results) {
    out.println();
    out.printf(
        Locale.ROOT,
        "Daemon at a 100 ms advert interval, %s per option set; RSS sampled every %d s; "
            + "lateness = advert inter-arrival on the wire − 100 ms.%n%n",
        duration,
        SAMPLE_PERIOD.toSeconds());
    out.println(
        "| JVM options | start-up ms (median of "
            + startups
            + ") | RSS MiB after 10 s | RSS MiB max | RSS MiB end "
            + "| private MiB end | CPU % of a core | adverts | lateness p50 ms | p99 | p99.9 | max |");
    out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Result r : results) {
      long after10 =
          r.rssSamples().stream()
              .filter(s -> s[0] >= 10)
              .findFirst()
              .orElse(r.rssSamples().getFirst())[1];
      long max = r.rssSamples().stream().mapToLong(s -> s[1]).max().orElse(0);
      long last = r.rssSamples().getLast()[1];
      Distribution l = r.latenessMillis();
      out.printf(
          Locale.ROOT,
          "| %s: `%s` | %.0f | %.1f | %.1f | %.1f | %.1f | %.2f | %d | %.2f | %.2f | %.2f | %.2f |%n",
          r.set().name(),
          shown(r.effectiveOptions()),
          r.startupMillis().median(),
          mib(after10),
          mib(max),
          mib(last),
          mib(r.rssSamples().getLast()[2]),
          100 * r.cpuSeconds() / r.runSeconds(),
          r.adverts(),
          l.median(),
          l.percentile(99),
          l.percentile(99.9),
          l.max());
    }
    results.stream()
        .filter(r -> !r.aotNote().isEmpty())
        .forEach(r -> out.printf(Locale.ROOT, "%s: %s%n", r.set().name(), r.aotNote()));
  }
}
