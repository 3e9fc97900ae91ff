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
 * [RUNS]} (default 5) or {@code --short} (1 run, shorter settling; what CI runs, in {@code
 * SideBySideIT}). Each {@link Row} measures both daemons {@code runs} times, interleaved so a busy
 * moment on the shared machine hits both alike, and the table shows the medians, the ratio
 * vrrp-agent / keepalived and the goal. Numbers are printed, never asserted: the machine is shared.
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
        row.daemons().forEach(d -> values.add(new ArrayList<>()));
        for (int i = 0; i < runs; i++) {
          for (int d = 0; d < row.daemons().size(); d++) {
            double v = row.measure(lab, wire, row.daemons().get(d), shortRun);
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
        lines.addAll(format(row, values));
      }
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "Side by side, %d run(s) each, medians (ratio = vrrp-agent / keepalived);"
            + " a shared 2-core machine: numbers, not assertions.%n%n",
        runs);
    out.println("| figure | vrrp-agent | keepalived | ratio | goal |");
    out.println("|---|---:|---:|---:|---|");
    lines.forEach(out::println);
  }

  private static List<String> format(Row row, List<List<Double>> values) {
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
              "| %s | %.2f %s (%.2f–%.2f) | %s | %s | %s |",
              name,
              dist.median(),
              row.unit(),
              dist.min(),
              dist.max(),
              k < 0 ? "–" : String.format(Locale.ROOT, "%.2f %s", keepalived, row.unit()),
              k < 0 ? "–" : String.format(Locale.ROOT, "%.2f", dist.median() / keepalived),
              row.goal()));
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
