package org.vrrpagent.agent.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * The table, vrrp-agent beside keepalived in one lab run: {@code bin/lab-bench side-by-side
 * [RUNS]} (default 5) or {@code --short} (1 run, shorter settling, the first three rows only; what
 * CI runs, in {@code SideBySideIT}). Without {@code --short} it then runs {@link CpuBench#many}
 * (RUNS runs of 60 s) and {@link FailoverBench} (RUNS rounds) in labs of their own and adds their
 * rows: CPU of the 255-instance pair, crash and graceful failover on the wire, and the new master's
 * first advert after its timer. Every row also shows the machine's 1-minute load average while it
 * was measured (min–max), since the machine may be shared. Each {@link Row} measures both daemons
 * {@code runs} times, interleaved so a busy moment on the shared machine hits both alike, and the
 * table shows the medians, the ratio vrrp-agent / keepalived and the goal. Numbers are printed,
 * never asserted: the machine is shared.
 *
 * <p>Rows here: resident memory and exec → first advert (with and without the AOT cache). Other
 * rows (CPU, timing) implement {@link Row} and are added to {@link #rows}.
 */
final class SideBySideBench {
  /** One line of the table: a figure measured for both daemons. */
  interface Row {
    /** The figure's name, as in the table. */
    String figure();

    /** The unit printed after each number. */
    String unit();

    /** The goal, as text. */
    String goal();

    /**
     * One measurement; {@code keepalived} selects the daemon. Runs in {@code lab}, with tcpdump
     * listening on host 2 ({@code wire}); leaves host 1 as it found it.
     */
    double measure(BenchLab lab, WireCapture wire, Daemon daemon, boolean shortRun);

    /** Which daemons this row compares. */
    default List<Daemon> daemons() {
      return List.of(Daemon.AGENT, Daemon.KEEPALIVED);
    }
  }

  /** What a row runs. */
  enum Daemon {
    /** bin/vrrp-agent as operators start it (with the shipped AOT cache when it matches). */
    AGENT("vrrp-agent"),
    /** bin/vrrp-agent with {@code VRRP_AGENT_AOT_CACHE=off}. */
    AGENT_NO_AOT("vrrp-agent, no AOT cache"),
    KEEPALIVED("keepalived");

    final String label;

    Daemon(String label) {
      this.label = label;
    }
  }

  private final int runs;
  private final boolean shortRun;
  private final PrintStream out;

  /** The rows, in table order. */
  final List<Row> rows = new ArrayList<>();

  /** The 1-minute load average now ({@code /proc/loadavg}). */
  static double load() {
    try {
      return Double.parseDouble(
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (java.io.IOException e) {
      return Double.NaN;
    }
  }

  private static String loads(List<Double> loads) {
    Distribution d = Distribution.of(loads);
    return String.format(Locale.ROOT, "%.1f–%.1f", d.min(), d.max());
  }

  SideBySideBench(int runs, boolean shortRun, PrintStream out) {
    this.runs = runs;
    this.shortRun = shortRun;
    this.out = out;
    rows.add(new MemoryRow());
    rows.add(new FirstAdvertRow());
    rows.add(new ClientRow());
  }

  void run() {
    List<String> lines = new ArrayList<>();
    try (BenchLab lab = new BenchLab(2);
        WireCapture wire = WireCapture.start(lab.lab, 2)) {
      FootprintBench.startUnbound(lab);
      for (Row row : rows) {
        List<List<Double>> values = new ArrayList<>();
        List<Double> loads = new ArrayList<>();
        row.daemons().forEach(d -> values.add(new ArrayList<>()));
        for (int i = 0; i < runs; i++) {
          for (int d = 0; d < row.daemons().size(); d++) {
            loads.add(load());
            double v = row.measure(lab, wire, row.daemons().get(d), shortRun);
            loads.add(load());
            values.get(d).add(v);
            out.printf(
                Locale.ROOT,
                "  %s, %s, run %d: %.2f %s%n",
                row.figure(),
                row.daemons().get(d).label,
                i + 1,
                v,
                row.unit());
          }
        }
        lines.addAll(format(row, values, loads(loads)));
      }
    }
    if (!shortRun) {
      lines.addAll(cpuRows());
      lines.addAll(failoverRows());
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "Side by side, %d run(s) each, medians (min–max) (ratio = vrrp-agent / keepalived);"
            + " load = the 1-minute load average while measured; numbers, not assertions.%n%n",
        runs);
    out.println("| figure | vrrp-agent | keepalived | ratio | goal | load |");
    out.println("|---|---:|---:|---:|---|---:|");
    lines.forEach(out::println);
  }

  /** The 255-instance pair's CPU ({@link CpuBench#many}), pair and backup alone. */
  private List<String> cpuRows() {
    List<Double> loads = new ArrayList<>(List.of(load()));
    List<CpuBench.Cpu> cpu = new CpuBench(out).many(Duration.ofSeconds(60), runs);
    loads.add(load());
    List<Double> agentPair = new ArrayList<>();
    List<Double> keepalivedPair = new ArrayList<>();
    List<Double> agentBackup = new ArrayList<>();
    List<Double> keepalivedBackup = new ArrayList<>();
    for (CpuBench.Cpu c : cpu) {
      boolean agent = c.daemon().startsWith("vrrp");
      (agent ? agentPair : keepalivedPair).add(c.pairPercent());
      (agent ? agentBackup : keepalivedBackup).add(c.backupPercent());
    }
    String load = loads(loads);
    return List.of(
        line(
            "255 instances × 100 ms, a pair: CPU of master + backup",
            "% of a core",
            agentPair,
            keepalivedPair,
            "≤ 0.80 × keepalived",
            load),
        line(
            "the same, the backup alone", "% of a core", agentBackup, keepalivedBackup, "–", load));
  }

  /**
   * {@link FailoverBench}: crash and graceful failover on the wire, and how late the new master's
   * first advert followed its timer (wire interval − the RFC's interval).
   */
  private List<String> failoverRows() {
    List<Double> loads = new ArrayList<>(List.of(load()));
    List<FailoverBench.Sample> samples = new FailoverBench(runs, out).run();
    loads.add(load());
    String load = loads(loads);
    List<String> lines = new ArrayList<>();
    for (FailoverBench.Kind kind : FailoverBench.Kind.values()) {
      double bound =
          kind == FailoverBench.Kind.CRASH
              ? FailoverBench.masterDownMillis(FailoverBench.BACKUP_PRIORITY)
              : FailoverBench.skewMillis(FailoverBench.BACKUP_PRIORITY);
      List<Double> agent = wire(samples, FailoverBench.Implementation.VRRP_AGENT, kind, 0);
      List<Double> keepalived = wire(samples, FailoverBench.Implementation.KEEPALIVED, kind, 0);
      lines.add(
          line(
              kind == FailoverBench.Kind.CRASH
                  ? String.format(
                      Locale.ROOT,
                      "crash failover (kill -9), wire: last advert → new master's first (RFC %.0f"
                          + " ms)",
                      bound)
                  : String.format(
                      Locale.ROOT,
                      "graceful failover (SIGTERM), wire: priority 0 → new master's first (RFC"
                          + " %.0f ms)",
                      bound),
              "ms",
              agent,
              keepalived,
              "≤ 1.00 × keepalived",
              load));
    }
    for (FailoverBench.Kind kind : FailoverBench.Kind.values()) {
      double bound =
          kind == FailoverBench.Kind.CRASH
              ? FailoverBench.masterDownMillis(FailoverBench.BACKUP_PRIORITY)
              : FailoverBench.skewMillis(FailoverBench.BACKUP_PRIORITY);
      lines.add(
          line(
              "new master's first advert after its timer ("
                  + (kind == FailoverBench.Kind.CRASH ? "crash" : "graceful")
                  + ")",
              "ms late",
              wire(samples, FailoverBench.Implementation.VRRP_AGENT, kind, bound),
              wire(samples, FailoverBench.Implementation.KEEPALIVED, kind, bound),
              "< 1 ms",
              load));
    }
    return lines;
  }

  private static List<Double> wire(
      List<FailoverBench.Sample> samples,
      FailoverBench.Implementation impl,
      FailoverBench.Kind kind,
      double minus) {
    return samples.stream()
        .filter(s -> s.impl() == impl && s.kind() == kind && !Double.isNaN(s.wireMillis()))
        .map(s -> s.wireMillis() - minus)
        .toList();
  }

  private static String line(
      String figure,
      String unit,
      List<Double> agent,
      List<Double> keepalived,
      String goal,
      String load) {
    if (agent.isEmpty() || keepalived.isEmpty()) {
      return String.format(
          Locale.ROOT, "| %s | no sample | no sample | – | %s | %s |", figure, goal, load);
    }
    Distribution a = Distribution.of(agent);
    Distribution k = Distribution.of(keepalived);
    return String.format(
        Locale.ROOT,
        "| %s | %.2f %s (%.2f–%.2f) | %.2f %s (%.2f–%.2f) | %.2f | %s | %s |",
        figure,
        a.median(),
        unit,
        a.min(),
        a.max(),
        k.median(),
        unit,
        k.min(),
        k.max(),
        a.median() / k.median(),
        goal,
        load);
  }

  private static List<String> format(Row row, List<List<Double>> values, String load) {
    List<Daemon> daemons = row.daemons();
    int k = daemons.indexOf(Daemon.KEEPALIVED);
    double keepalived = k < 0 ? Double.NaN : Distribution.of(values.get(k)).median();
    List<String> lines = new ArrayList<>();
    for (int d = 0; d < daemons.size(); d++) {
      if (d == k) {
        continue;
      }
      Distribution dist = Distribution.of(values.get(d));
      String name =
          daemons.get(d) == Daemon.AGENT
              ? row.figure()
              : row.figure() + " (" + daemons.get(d).label + ")";
      lines.add(
          String.format(
              Locale.ROOT,
              "| %s | %.2f %s (%.2f–%.2f) | %s | %s | %s | %s |",
              name,
              dist.median(),
              row.unit(),
              dist.min(),
              dist.max(),
              k < 0 ? "–" : String.format(Locale.ROOT, "%.2f %s", keepalived, row.unit()),
              k < 0 ? "–" : String.format(Locale.ROOT, "%.2f", dist.median() / keepalived),
              row.goal(),
              load));
    }
    return lines;
  }

  /** Starts {@code daemon} on host 1 with the resolver profile (keepalived: the same instance). */
  static NetnsLab.LabProcess start(BenchLab lab, Daemon daemon) {
    return switch (daemon) {
      case AGENT ->
          lab.launcherAgent(1, ResolverProfile.yaml(lab.workFile("control.sock")), List.of());
      case AGENT_NO_AOT ->
          lab.launcherAgent(
              1,
              ResolverProfile.yaml(lab.workFile("control.sock")),
              List.of("VRRP_AGENT_AOT_CACHE=off"));
      case KEEPALIVED -> lab.keepalived(1, ResolverProfile.keepalived());
    };
  }

  static void stop(BenchLab lab, NetnsLab.LabProcess p) {
    lab.terminate(p);
    lab.removeAddress(1, ResolverProfile.VIP_WITH_PREFIX);
  }

  /**
   * RSS (VmRSS, the process and its children) of a lone master with the resolver profile, after it
   * has been master for 30 s (10 s with --short).
   */
  static final class MemoryRow implements Row {
    @Override
    public String figure() {
      return "resident memory, one instance (DNS check, control API, mail)";
    }

    @Override
    public String unit() {
      return "MiB";
    }

    @Override
    public String goal() {
      return "≤ 64 MiB (stretch ≤ 48)";
    }

    @Override
    public double measure(BenchLab lab, WireCapture wire, Daemon daemon, boolean shortRun) {
      NetnsLab.LabProcess p = start(lab, daemon);
      lab.awaitLog(p, ResolverProfile.masterLine(daemon == Daemon.KEEPALIVED), BenchLab.ELECTION);
      // a benchmark's settling time, not a test's wait
      LockSupport.parkNanos(Duration.ofSeconds(shortRun ? 10 : 30).toNanos());
      long kib = 0;
      for (long pid : tree(p)) {
        kib += FootprintBench.rssKiB(pid)[0];
      }
      stop(lab, p);
      return kib / 1024.0;
    }
  }

  /**
   * From exec to the daemon's first advert on the wire (tcpdump in host 2), alone on the link at 1
   * s adverts: start-up plus Master_Down_Interval (3 × 1 s + (256 − 100)/256 s = 3.61 s).
   */
  static final class FirstAdvertRow implements Row {
    @Override
    public String figure() {
      return "exec → first advert, lone node, 1 s adverts (RFC wait 3.61 s)";
    }

    @Override
    public String unit() {
      return "s";
    }

    @Override
    public String goal() {
      return "≤ keepalived + 0.3 s";
    }

    @Override
    public List<Daemon> daemons() {
      return List.of(Daemon.AGENT, Daemon.AGENT_NO_AOT, Daemon.KEEPALIVED);
    }

    @Override
    public double measure(BenchLab lab, WireCapture wire, Daemon daemon, boolean shortRun) {
      String source = lab.lab.ipv4(1).getHostAddress();
      Instant exec = Instant.now();
      NetnsLab.LabProcess p = start(lab, daemon);
      BenchLab.await(
          "first advert from " + source,
          BenchLab.ELECTION,
          () -> !wire.from(source, exec, Instant.now().plusSeconds(1)).isEmpty(),
          p);
      Instant first = wire.from(source, exec, Instant.now().plusSeconds(1)).getFirst().time();
      stop(lab, p);
      return Duration.between(exec, first).toNanos() / 1e9;
    }
  }

  /**
   * {@code bin/vrrp-agent status} over the unix socket, exec to exit, against a running daemon
   * (median of 3 calls per daemon start). keepalived has no such client: no column.
   */
  static final class ClientRow implements Row {
    @Override
    public String figure() {
      return "`vrrp-agent status`, exec → answer printed";
    }

    @Override
    public String unit() {
      return "s";
    }

    @Override
    public String goal() {
      return "a fraction of the daemon's start-up";
    }

    @Override
    public List<Daemon> daemons() {
      return List.of(Daemon.AGENT, Daemon.AGENT_NO_AOT);
    }

    @Override
    public double measure(BenchLab lab, WireCapture wire, Daemon daemon, boolean shortRun) {
      NetnsLab.LabProcess p = start(lab, daemon);
      lab.awaitLog(p, ResolverProfile.masterLine(false), BenchLab.ELECTION);
      List<Double> seconds = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        seconds.add(
            client(
                lab,
                daemon == Daemon.AGENT_NO_AOT,
                "status",
                "--control",
                "unix:" + lab.workFile("control.sock")));
      }
      stop(lab, p);
      return Distribution.of(seconds).median();
    }

    /** bin/vrrp-agent ARGS as an operator runs it (not in the lab: it only talks to the socket). */
    static double client(BenchLab lab, boolean noAot, String... args) {
      List<String> argv = new ArrayList<>();
      argv.add(lab.repo.resolve("bin/vrrp-agent").toString());
      argv.addAll(List.of(args));
      ProcessBuilder pb =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      if (noAot) {
        pb.environment().put("VRRP_AGENT_AOT_CACHE", "off");
      }
      long t = System.nanoTime();
      try {
        Process c = pb.start();
        if (!c.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || c.exitValue() != 0) {
          c.destroyForcibly();
          throw new IllegalStateException("vrrp-agent " + String.join(" ", args) + " failed");
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return (System.nanoTime() - t) / 1e9;
    }
  }

  private static List<Long> tree(NetnsLab.LabProcess p) {
    List<Long> pids = new ArrayList<>();
    pids.add(p.pid());
    p.process().descendants().forEach(h -> pids.add(h.pid()));
    return pids;
  }
}
