package org.vrrpagent.agent.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;

/**
 * The CPU and timing rows of the side-by-side table, vrrp-agent (the launcher's JVM options) and
 * keepalived in the same lab run, one after the other:
 *
 * <ul>
 *   <li>{@link #many}: a pair (host 1 priority 200, host 2 priority 100) with 255 VRRPv3 instances
 *       at a 100 ms interval each; once host 1 holds all 255 addresses and things settled, the CPU
 *       time (utime + stime of the process and its children) of each daemon over the run, as % of
 *       one core;
 *   <li>{@link #busy}: a pair at a 10 ms interval while two busy loops (one per core) run at the
 *       daemons' own priority, and vrrp-agent's master also runs N DNS checks at 1 s against an
 *       unbound on its host; state changes after the first election (0 expected) and the gap
 *       between the master's adverts on the wire (tcpdump on host 3).
 * </ul>
 *
 * Numbers are printed, not asserted: the machine is shared.
 */
final class CpuBench {
  static final int INSTANCES = 255;

  /** After the last address arrived: let start-up work (JIT, class loading) die down first. */
  static final Duration SETTLE = Duration.ofSeconds(10);

  private final PrintStream out;
  private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(10), 4 << 20);

  CpuBench(PrintStream out) {
    this.out = out;
  }

  /**
   * {@code -Dbench.daemons=vrrp-agent} (or {@code keepalived}) runs only that one; both by default.
   */
  static boolean[] daemons() {
    return switch (System.getProperty("bench.daemons", "both")) {
      case "vrrp-agent" -> new boolean[] {true};
      case "keepalived" -> new boolean[] {false};
      default -> new boolean[] {true, false};
    };
  }

  /** Instance {@code n}'s (1..255) virtual address. */
  static String vip(int n) {
    return "198.18." + (10 + n / 200) + "." + (n % 200 + 1) + "/24";
  }

  static String agentManyYaml(int priority) {
    StringBuilder b = new StringBuilder("node: h").append(priority).append("\ninstances:\n");
    for (int n = 1; n <= INSTANCES; n++) {
      b.append("  vi")
          .append(n)
          .append(":\n    interface: eth0\n    vrid: ")
          .append(n)
          .append("\n    version: 3\n    priority: ")
          .append(priority)
          .append("\n    advert-interval: 100ms\n    addresses: [")
          .append(vip(n))
          .append("]\n");
    }
    return b.toString();
  }

  static String keepalivedManyConfig(int priority) {
    StringBuilder b =
        new StringBuilder("global_defs {\n  router_id h").append(priority).append("\n}\n");
    for (int n = 1; n <= INSTANCES; n++) {
      b.append("vrrp_instance vi")
          .append(n)
          .append(" {\n  state BACKUP\n  interface eth0\n  virtual_router_id ")
          .append(n)
          .append("\n  priority ")
          .append(priority)
          .append("\n  advert_int 0.1\n  version 3\n  virtual_ipaddress {\n    ")
          .append(vip(n))
          .append("\n  }\n}\n");
    }
    return b.toString();
  }

  /** One daemon's CPU share. */
  record Cpu(String daemon, double masterPercent, double backupPercent, double seconds) {
    double pairPercent() {
      return masterPercent + backupPercent;
    }
  }

  /** 255 instances × 100 ms, a pair: CPU of each side over {@code duration}, both daemons. */
  List<Cpu> many(Duration duration, int runs) {
    List<Cpu> results = new ArrayList<>();
    try (BenchLab lab = new BenchLab(2)) {
      for (int run = 0; run < runs; run++) {
        for (boolean agent : daemons()) {
          Cpu c = manyOnce(lab, agent, duration);
          results.add(c);
          out.printf(
              Locale.ROOT,
              "  %s run %d: master %.2f %%, backup %.2f %% of a core over %.0f s%n",
              c.daemon(),
              run + 1,
              c.masterPercent(),
              c.backupPercent(),
              c.seconds());
        }
      }
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "%d VRRPv3 instances at 100 ms, a pair, CPU (utime+stime) over %s after %s settling:%n%n",
        INSTANCES,
        duration,
        SETTLE);
    out.println("| daemon | run | master % of a core | backup % | pair % |");
    out.println("|---|---:|---:|---:|---:|");
    int[] runOf = new int[2];
    for (Cpu c : results) {
      int i = c.daemon().startsWith("vrrp") ? 0 : 1;
      out.printf(
          Locale.ROOT,
          "| %s | %d | %.2f | %.2f | %.2f |%n",
          c.daemon(),
          ++runOf[i],
          c.masterPercent(),
          c.backupPercent(),
          c.pairPercent());
    }
    double agent = mean(results, true);
    double keepalived = mean(results, false);
    out.printf(
        Locale.ROOT,
        "%nmean pair CPU: vrrp-agent %.2f %%, keepalived %.2f %%: ratio %.2f (goal <= 0.80)%n",
        agent,
        keepalived,
        agent / keepalived);
    return results;
  }

  private static double mean(List<Cpu> results, boolean agent) {
    return results.stream()
        .filter(c -> c.daemon().startsWith("vrrp") == agent)
        .mapToDouble(Cpu::pairPercent)
        .average()
        .orElse(Double.NaN);
  }

  /**
   * {@code -Dbench.jfr=DIR}: the vrrp-agent daemons also record JFR ({@code settings=profile},
   * allocation samples included) into DIR/master.jfr and DIR/backup.jfr; costs CPU, so not for the
   * CPU figures.
   */
  static final String JFR_DIR = System.getProperty("bench.jfr", "");

  private static List<String> agentOptions(BenchLab lab, String side) {
    List<String> options = new ArrayList<>(lab.launcherJvmOptions());
    if (!JFR_DIR.isEmpty()) {
      options.add(
          "-XX:StartFlightRecording=settings=profile,filename="
              + Path.of(JFR_DIR).toAbsolutePath().resolve(side + ".jfr"));
    }
    return options;
  }

  private Cpu manyOnce(BenchLab lab, boolean agent, Duration duration) {
    NetnsLab.LabProcess backup =
        agent
            ? lab.javaAgent(2, agentManyYaml(100), agentOptions(lab, "backup"))
            : lab.keepalived(2, keepalivedManyConfig(100));
    NetnsLab.LabProcess master =
        agent
            ? lab.javaAgent(1, agentManyYaml(200), agentOptions(lab, "master"))
            : lab.keepalived(1, keepalivedManyConfig(200));
    try {
      BenchLab.await(
          "all " + INSTANCES + " addresses on host 1, none on host 2",
          Duration.ofSeconds(90),
          () -> {
            if (!master.process().isAlive() || !backup.process().isAlive()) {
              throw new IllegalStateException(
                  "a daemon exited\n" + BenchLab.tail(master) + "\n" + BenchLab.tail(backup));
            }
            // Host 2 may have been master before host 1 started: it hands every address back.
            return addressCount(lab, 1) >= INSTANCES && addressCount(lab, 2) == 0;
          },
          master,
          backup);
      LockSupport.parkNanos(SETTLE.toNanos());
      double m0 = cpuSeconds(master);
      double b0 = cpuSeconds(backup);
      Map<String, Double> mt0 = threadCpu(master.pid());
      Map<String, Double> bt0 = threadCpu(backup.pid());
      long t0 = System.nanoTime();
      LockSupport.parkNanos(duration.toNanos());
      double m1 = cpuSeconds(master);
      double b1 = cpuSeconds(backup);
      double secs = (System.nanoTime() - t0) / 1e9;
      if (agent) {
        printThreads("master", mt0, threadCpu(master.pid()), secs);
        printThreads("backup", bt0, threadCpu(backup.pid()), secs);
      }
      if (addressCount(lab, 1) != INSTANCES || addressCount(lab, 2) != 0) {
        out.println("  WARNING: the addresses moved during the run");
      }
      return new Cpu(
          agent ? "vrrp-agent" : "keepalived 2.2.7",
          100 * (m1 - m0) / secs,
          100 * (b1 - b0) / secs,
          secs);
    } finally {
      if (agent && !JFR_DIR.isEmpty()) {
        // SIGTERM: the JVM writes its recording on the way out.
        lab.terminate(backup);
        lab.terminate(master);
      }
      lab.crash(master);
      lab.crash(backup);
      for (int host = 1; host <= 2; host++) {
        for (int n = 1; n <= INSTANCES; n++) {
          if (addressCount(lab, host) == 0) {
            break;
          }
          lab.removeAddress(host, vip(n));
        }
      }
    }
  }

  /** Addresses in 198.18.10.0/24 and 198.18.11.0/24 on the host's eth0. */
  private int addressCount(BenchLab lab, int host) {
    List<String> cmd = new ArrayList<>(lab.lab.ipCommand(host));
    cmd.addAll(List.of("-o", "-4", "addr", "show", "dev", "eth0"));
    CommandRunner.Result r = runner.run(cmd);
    if (!r.succeeded()) {
      throw new IllegalStateException(r.describeFailure());
    }
    return (int)
        r.stdout()
            .lines()
            .filter(l -> l.contains(" 198.18.10.") || l.contains(" 198.18.11."))
            .count();
  }

  /**
   * CPU seconds by thread name ({@code /proc/PID/task/TID/stat}; the kernel keeps 15 characters of
   * a name), threads of one name summed.
   */
  static Map<String, Double> threadCpu(long pid) {
    Map<String, Double> byName = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
          byName.merge(name, cpu, Double::sum);
        } catch (IOException gone) {
          // a thread that ended meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byName;
  }

  /** The threads that used the most CPU between two {@link #threadCpu} samples. */
  private void printThreads(
      String side, Map<String, Double> before, Map<String, Double> after, double secs) {
    String top =
        after.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
            .filter(e -> e.getValue() > 0)
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .limit(6)
            .map(
                e ->
                    String.format(Locale.ROOT, "%s %.2f %%", e.getKey(), 100 * e.getValue() / secs))
            .collect(Collectors.joining(", "));
    out.printf(Locale.ROOT, "    vrrp-agent %s by thread: %s%n", side, top);
  }

  static double cpuSeconds(NetnsLab.LabProcess p) {
    double s = FootprintBench.cpuSeconds(p.pid());
    for (ProcessHandle h : p.process().descendants().toList()) {
      try {
        s += FootprintBench.cpuSeconds(h.pid());
      } catch (IllegalStateException gone) {
        // a child that exited meanwhile
      }
    }
    return s;
  }

  // ---------------------------------------------------------------- 10 ms, both cores busy

  static final String BUSY_VIP = "198.18.0.100/24";

  static String agentBusyYaml(int priority, int checks) {
    StringBuilder b = new StringBuilder();
    if (checks > 0) {
      b.append("checks:\n");
      for (int i = 0; i < checks; i++) {
        b.append("  dns")
            .append(i)
            .append(
                ":\n    dns: { server: 127.0.0.1, name: example.org, type: TXT, answer-contains: bench }\n")
            .append("    interval: 1s\n");
      }
    }
    b.append("node: h")
        .append(priority)
        .append(
            """

            instances:
              dns0:
                interface: eth0
                vrid: 61
                version: 3
                priority: %d
                advert-interval: 10ms
                addresses: [%s]
            """
                .formatted(priority, BUSY_VIP));
    if (checks > 0) {
      b.append("    track:\n      - { check: dns0, weight: -10 }\n");
    }
    return b.toString();
  }

  static String keepalivedBusyConfig(int priority) {
    return org.vrrpagent.agent.e2e.LabConfigs.keepalived(
        "h" + priority, 61, priority, "0.01", BUSY_VIP, "version 3", "");
  }

  /** One daemon's timing under load. */
  record Timing(String daemon, int stateChanges, Distribution gapMillis, int adverts) {}

  /**
   * 10 ms adverts, a pair, two busy loops, vrrp-agent's master with {@code checks} DNS checks; each
   * daemon for {@code duration}.
   */
  List<Timing> busy(Duration duration, int checks) {
    List<Timing> results = new ArrayList<>();
    try (BenchLab lab = new BenchLab(3);
        WireCapture wire = WireCapture.start(lab.lab, 3)) {
      if (checks > 0) {
        FootprintBench.startUnbound(lab);
      }
      List<NetnsLab.LabProcess> burners = new ArrayList<>();
      for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
        burners.add(lab.lab.start(3, "sh", "-c", "while :; do :; done"));
      }
      try {
        for (boolean agent : daemons()) {
          Timing t = busyOnce(lab, wire, agent, duration, checks);
          results.add(t);
          out.printf(
              Locale.ROOT,
              "  %s: %d state changes, %d adverts, gap ms p50 %.2f p99 %.2f p99.9 %.2f max %.2f%n",
              t.daemon(),
              t.stateChanges(),
              t.adverts(),
              t.gapMillis().median(),
              t.gapMillis().percentile(99),
              t.gapMillis().percentile(99.9),
              t.gapMillis().max());
        }
      } finally {
        burners.forEach(lab::crash);
      }
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "10 ms adverts, a pair, %d busy loops, %s each; vrrp-agent's master runs %d DNS checks at 1"
            + " s; gap = inter-arrival of the master's adverts on the wire:%n%n",
        Runtime.getRuntime().availableProcessors(),
        duration,
        checks);
    out.println("| daemon | state changes | adverts | gap p50 ms | p99 | p99.9 | max |");
    out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (Timing t : results) {
      out.printf(
          Locale.ROOT,
          "| %s | %d | %d | %.2f | %.2f | %.2f | %.2f |%n",
          t.daemon(),
          t.stateChanges(),
          t.adverts(),
          t.gapMillis().median(),
          t.gapMillis().percentile(99),
          t.gapMillis().percentile(99.9),
          t.gapMillis().max());
    }
    return results;
  }

  private Timing busyOnce(
      BenchLab lab, WireCapture wire, boolean agent, Duration duration, int checks) {
    NetnsLab.LabProcess master =
        agent
            ? lab.javaAgent(1, agentBusyYaml(200, checks), lab.launcherJvmOptions())
            : lab.keepalived(1, keepalivedBusyConfig(200));
    String masterLine = agent ? "dns0: BACKUP -> MASTER" : "(dns0) Entering MASTER STATE";
    String backupLine = agent ? "dns0: INIT -> BACKUP" : "(dns0) Entering BACKUP STATE";
    NetnsLab.LabProcess backup = null;
    try {
      lab.awaitLog(master, masterLine, BenchLab.ELECTION);
      backup =
          agent
              ? lab.javaAgent(2, agentBusyYaml(100, 0), lab.launcherJvmOptions())
              : lab.keepalived(2, keepalivedBusyConfig(100));
      lab.awaitLog(backup, backupLine, BenchLab.ELECTION);
      LockSupport.parkNanos(SETTLE.toNanos());
      int before = transitions(master, agent) + transitions(backup, agent);
      Instant from = Instant.now();
      LockSupport.parkNanos(duration.toNanos());
      Instant to = Instant.now();
      int changes = transitions(master, agent) + transitions(backup, agent) - before;
      List<WireCapture.Advert> adverts =
          wire.from(lab.lab.ipv4(1).getHostAddress(), from, to).stream()
              .filter(a -> a.priority() > 0)
              .toList();
      List<Double> gaps = new ArrayList<>();
      for (int i = 1; i < adverts.size(); i++) {
        gaps.add(
            Duration.between(adverts.get(i - 1).time(), adverts.get(i).time()).toNanos() / 1e6);
      }
      return new Timing(
          agent ? "vrrp-agent (" + checks + " checks)" : "keepalived 2.2.7",
          changes,
          Distribution.of(gaps),
          adverts.size());
    } finally {
      lab.crash(master);
      if (backup != null) {
        lab.crash(backup);
      }
      lab.removeAddress(1, BUSY_VIP);
      lab.removeAddress(2, BUSY_VIP);
    }
  }

  /** State changes in the log so far. */
  private static int transitions(NetnsLab.LabProcess p, boolean agent) {
    return (int)
        p.output()
            .lines()
            .filter(
                l ->
                    agent
                        ? l.contains("dns0: ") && l.contains(" -> ") && l.contains("prio")
                        : l.contains("(dns0) Entering "))
            .count();
  }
}
