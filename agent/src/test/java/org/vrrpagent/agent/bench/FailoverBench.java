package org.vrrpagent.agent.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.vrrpagent.agent.e2e.LabConfigs;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * Crash failover (SIGKILL of the master) and graceful handover (SIGTERM of the master), N times
 * each, for a vrrp-agent pair and a keepalived pair in one lab: h2 priority 200 (master), h1
 * priority 100, VRRPv3, 1 s adverts, one IPv4 address. Host 3 only listens (tcpdump).
 *
 * <p>Two clocks per takeover:
 *
 * <ul>
 *   <li><b>kill → address</b>: from the signal to the address on h1's eth0, polling {@code ip -o
 *       addr} every 10 ms (so up to ~15 ms late: poll period plus one fork);
 *   <li><b>wire</b>: tcpdump's kernel timestamps in h3 from the old master's last advert (crash) or
 *       its priority-0 advert (SIGTERM) to the new master's first advert. This is what the RFC
 *       bounds: Master_Down_Interval after the last advert heard, Skew_Time after a priority-0
 *       advert.
 * </ul>
 *
 * Repetitions are interleaved (agent crash, agent stop, keepalived crash, keepalived stop, then
 * again), so a noisy moment on a shared machine hits both implementations alike.
 */
public final class FailoverBench {
  static final String VIP = "198.18.0.100";
  static final String VIP_WITH_PREFIX = VIP + "/24";
  static final int MASTER_PRIORITY = 200;
  static final int BACKUP_PRIORITY = 100;
  static final long ADVERT_INTERVAL_MILLIS = 1000;

  /** Time limit for a takeover (well beyond Master_Down_Interval). */
  static final Duration TAKEOVER = Duration.ofSeconds(15);

  enum Implementation {
    VRRP_AGENT,
    KEEPALIVED
  }

  enum Kind {
    CRASH,
    GRACEFUL
  }

  record Sample(
      Implementation impl,
      Kind kind,
      int repetition,
      double killToAddressMillis,
      double wireMillis,
      double loggedLatenessMillis,
      String note) {}

  private static final java.util.regex.Pattern LOGGED_LATENESS =
      java.util.regex.Pattern.compile("takeover advert sent (\\d+) µs after the down timer");

  /**
   * vrrp-agent's own account of the takeover: how long after the down timer's deadline its advert
   * left (its log line); NaN for keepalived, or when the line is missing.
   */
  public static double loggedLatenessMillis(String log) {
    java.util.regex.Matcher m = LOGGED_LATENESS.matcher(log);
    double last = Double.NaN;
    while (m.find()) {
      last = Long.parseLong(m.group(1)) / 1000.0;
    }
    return last;
  }

  private final int repetitions;
  private final PrintStream out;

  FailoverBench(int repetitions, PrintStream out) {
    this.repetitions = repetitions;
    this.out = out;
  }

  /** Skew_Time = ((256 - priority) * Master_Adver_Interval) / 256 (RFC 5798 section 6.1). */
  static double skewMillis(int priority) {
    return (256 - priority) * ADVERT_INTERVAL_MILLIS / 256.0;
  }

  /** Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time. */
  static double masterDownMillis(int priority) {
    return 3 * ADVERT_INTERVAL_MILLIS + skewMillis(priority);
  }

  List<Sample> run() {
    List<Sample> samples = new ArrayList<>();
    try (BenchLab lab = new BenchLab(3);
        WireCapture wire = WireCapture.start(lab.lab, 3)) {
      for (int i = 1; i <= repetitions; i++) {
        for (Implementation impl : Implementation.values()) {
          for (Kind kind : Kind.values()) {
            Sample s = once(lab, wire, impl, kind, i);
            out.printf(
                Locale.ROOT,
                "  %-10s %-8s #%d: kill -> address %.0f ms, wire %.1f ms%s %s%n",
                impl,
                kind,
                i,
                s.killToAddressMillis(),
                s.wireMillis(),
                Double.isNaN(s.loggedLatenessMillis())
                    ? ""
                    : String.format(
                        Locale.ROOT, ", advert %.3f ms after its timer", s.loggedLatenessMillis()),
                s.note());
            samples.add(s);
          }
        }
      }
    }
    printTable(samples);
    return samples;
  }

  private Sample once(
      BenchLab lab, WireCapture wire, Implementation impl, Kind kind, int repetition) {
    lab.removeAddress(1, VIP_WITH_PREFIX);
    lab.removeAddress(2, VIP_WITH_PREFIX);
    NetnsLab.LabProcess master = start(lab, impl, 2, MASTER_PRIORITY);
    lab.awaitLog(master, backupLine(impl), BenchLab.ELECTION);
    NetnsLab.LabProcess backup = start(lab, impl, 1, BACKUP_PRIORITY);
    try {
      lab.awaitAddress(2, VIP, BenchLab.ELECTION, master, backup);
      lab.awaitLog(backup, backupLine(impl), BenchLab.ELECTION);
      // Steady state: a few adverts from the master heard by the backup.
      Instant settled = Instant.now();
      BenchLab.await(
          "3 adverts from h2 after the backup started",
          Duration.ofSeconds(10),
          () -> wire.from(lab.lab.ipv4(2).getHostAddress(), settled, Instant.MAX).size() >= 3,
          master,
          backup);
      if (lab.hasAddress(1, VIP)) {
        throw new IllegalStateException(
            "both hosts hold " + VIP + " before the " + kind + "\n" + BenchLab.tail(backup));
      }

      Instant t0 = Instant.now();
      long n0 = System.nanoTime();
      if (kind == Kind.CRASH) {
        lab.crash(master);
      } else {
        master.process().destroy();
      }
      lab.awaitAddress(1, VIP, TAKEOVER, backup, master);
      double killToAddress = (System.nanoTime() - n0) / 1e6;

      String h1 = lab.lab.ipv4(1).getHostAddress();
      String h2 = lab.lab.ipv4(2).getHostAddress();
      BenchLab.await(
          "h1's first advert on the wire",
          Duration.ofSeconds(5),
          () -> !wire.from(h1, t0, Instant.MAX).isEmpty(),
          backup);
      Instant firstNew = wire.from(h1, t0, Instant.MAX).getFirst().time();
      List<WireCapture.Advert> old = wire.from(h2, t0.minusSeconds(3), firstNew);
      String note = "";
      double wireMillis;
      if (kind == Kind.CRASH) {
        Optional<WireCapture.Advert> last =
            old.stream().filter(a -> a.priority() > 0).reduce((a, b) -> b);
        wireMillis =
            last.map(a -> Duration.between(a.time(), firstNew).toNanos() / 1e6).orElse(Double.NaN);
        if (old.stream().anyMatch(a -> a.priority() == 0)) {
          note = "(a priority-0 advert was sent: not a crash)";
        }
      } else {
        Optional<WireCapture.Advert> zero =
            old.stream().filter(a -> a.priority() == 0 && !a.time().isBefore(t0)).findFirst();
        wireMillis =
            zero.map(a -> Duration.between(a.time(), firstNew).toNanos() / 1e6).orElse(Double.NaN);
        if (zero.isEmpty()) {
          note = "(no priority-0 advert seen)";
        }
        int status = lab.awaitExit(master);
        if (status != 0) {
          note += " (exit status " + status + ")";
        }
      }
      double logged = Double.NaN;
      if (impl == Implementation.VRRP_AGENT) {
        BenchLab.await(
            "the takeover's log line",
            Duration.ofSeconds(5),
            () -> !Double.isNaN(loggedLatenessMillis(backup.output())),
            backup);
        logged = loggedLatenessMillis(backup.output());
      }
      return new Sample(impl, kind, repetition, killToAddress, wireMillis, logged, note);
    } finally {
      lab.crash(backup);
      lab.crash(master);
    }
  }

  private NetnsLab.LabProcess start(BenchLab lab, Implementation impl, int host, int priority) {
    return switch (impl) {
      case VRRP_AGENT -> lab.launcherAgent(host, agentYaml("h" + host, priority));
      case KEEPALIVED -> lab.keepalived(host, keepalivedConfig("h" + host, priority));
    };
  }

  private static String backupLine(Implementation impl) {
    return impl == Implementation.VRRP_AGENT
        ? "dns0: INIT -> BACKUP"
        : "(dns0) Entering BACKUP STATE";
  }

  /**
   * {@code -Dbench.engine-priority=nice:-10} (or {@code realtime:10}): the vrrp-agents run with
   * that {@code engine-priority:} (docs/configuration.md); none by default.
   */
  static final String ENGINE_PRIORITY = System.getProperty("bench.engine-priority", "");

  static String agentYaml(String node, int priority) {
    String yaml =
        """
        node: %s
        instances:
          dns0:
            interface: eth0
            vrid: 51
            version: 3
            priority: %d
            advert-interval: 1s
            addresses: [%s]
        """
            .formatted(node, priority, VIP_WITH_PREFIX);
    if (!ENGINE_PRIORITY.isBlank()) {
      String[] kv = ENGINE_PRIORITY.split(":", 2);
      yaml += "engine-priority:\n  " + kv[0].strip() + ": " + kv[1].strip() + "\n";
    }
    return yaml;
  }

  static String keepalivedConfig(String node, int priority) {
    return LabConfigs.keepalived(node, priority, VIP_WITH_PREFIX, "version 3", "");
  }

  private void printTable(List<Sample> samples) {
    out.println();
    out.printf(
        Locale.ROOT,
        "Failover times, %d repetitions each (ms). RFC bounds for the priority-%d backup: "
            + "Master_Down_Interval %.0f ms after the last advert, Skew_Time %.0f ms after a priority-0 advert.%n%n",
        repetitions,
        BACKUP_PRIORITY,
        masterDownMillis(BACKUP_PRIORITY),
        skewMillis(BACKUP_PRIORITY));
    if (!ENGINE_PRIORITY.isBlank()) {
      out.printf("vrrp-agent with engine-priority %s.%n%n", ENGINE_PRIORITY);
    }
    out.println("| pair | event | clock | min | median | max | RFC bound |");
    out.println("|---|---|---|---:|---:|---:|---:|");
    for (Implementation impl : Implementation.values()) {
      for (Kind kind : Kind.values()) {
        List<Sample> mine =
            samples.stream().filter(s -> s.impl() == impl && s.kind() == kind).toList();
        String pair =
            impl == Implementation.VRRP_AGENT
                ? "vrrp-agent ↔ vrrp-agent"
                : "keepalived ↔ keepalived";
        String event = kind == Kind.CRASH ? "crash (kill -9)" : "graceful (SIGTERM)";
        double bound =
            kind == Kind.CRASH ? masterDownMillis(BACKUP_PRIORITY) : skewMillis(BACKUP_PRIORITY);
        String wireClock =
            kind == Kind.CRASH
                ? "wire: last advert → new master's first"
                : "wire: priority 0 → new master's first";
        row(
            pair,
            event,
            wireClock,
            Distribution.of(mine.stream().map(Sample::wireMillis).filter(d -> !d.isNaN()).toList()),
            String.format(Locale.ROOT, "%.0f", bound));
        if (impl == Implementation.VRRP_AGENT) {
          // Three decimals: these are fractions of a millisecond.
          Distribution d =
              Distribution.of(
                  mine.stream().map(Sample::loggedLatenessMillis).filter(x -> !x.isNaN()).toList());
          out.printf(
              Locale.ROOT,
              "| %s | %s | takeover advert after its timer (the agent's log) | %.3f | %.3f | %.3f | < 1 |%n",
              pair,
              event,
              d.min(),
              d.median(),
              d.max());
        }
        row(
            pair,
            event,
            "kill → address on backup (10 ms polls)",
            Distribution.of(mine.stream().map(Sample::killToAddressMillis).toList()),
            kind == Kind.CRASH
                ? String.format(Locale.ROOT, "≤ %.0f", bound)
                : String.format(Locale.ROOT, "%.0f + stop", bound));
      }
    }
    samples.stream()
        .filter(s -> !s.note().isEmpty())
        .forEach(
            s ->
                out.printf(
                    Locale.ROOT,
                    "note: %s %s #%d %s%n",
                    s.impl(),
                    s.kind(),
                    s.repetition(),
                    s.note()));
  }

  private void row(String pair, String event, String clock, Distribution d, String bound) {
    out.printf(
        Locale.ROOT,
        "| %s | %s | %s | %.0f | %.0f | %.0f | %s |%n",
        pair,
        event,
        clock,
        d.min(),
        d.median(),
        d.max(),
        bound);
  }
}
