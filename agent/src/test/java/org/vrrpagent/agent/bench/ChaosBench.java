package org.vrrpagent.agent.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vrrpagent.agent.e2e.LabConfigs;
import org.vrrpagent.core.lab.Impairment;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chaos soak: three vrrp-agents (h1..h3) and one keepalived (h4) on one lab bridge, two virtual
 * addresses ({@code dns0}: all four, VRID 51, ranked by a shared priority-order file; {@code web0}:
 * the agents only, VRID 52, static priorities), every agent with a hook that hangs (killed at its 2
 * s deadline) and mail to an SMTP server that accepts connections and never says a word. A seeded
 * random sequence of faults, each held for a few seconds and then healed:
 *
 * <ul>
 *   <li>kill -9 of h1 or h2 (then {@code vrrp-agent cleanup}, as the unit's ExecStopPost does, and
 *       a restart); SIGTERM of h1 or h2 (exit 0 required) and a restart;
 *   <li>kill -9 of keepalived (its addresses removed by hand, as an operator would) and a restart;
 *   <li>link down/up of any host's eth0; a partition (the host's switch port leaves the bridge);
 *   <li>SIGHUP without change, SIGHUP storms, configuration edits (web0's priority) + SIGHUP,
 *       priority-order file edits (rewritten in place or renamed over);
 *   <li>loss (10..80 %), delay (50..300 ms with up to a quarter of that as jitter, which reorders)
 *       and duplication (20..80 %) of everything a host sends on its eth0, with {@link
 *       NetnsLab#impair} (nftables and an nfnetlink_queue relay: what netem would do; this kernel
 *       has no sch_netem).
 * </ul>
 *
 * <p>h3 is never stopped: its RSS and thread count are sampled after every step.
 *
 * <p>Invariants, checked all the time and reported with detail:
 *
 * <ol>
 *   <li>after every healed fault, within the convergence window, exactly one host holds each
 *       address (stable for {@link #STABLE}), and web0's address never appears on h4; for loss the
 *       window starts when the loss is lifted (while adverts are lost, a backup that misses three
 *       in a row rightly takes over, so two holders during a loss are no violation);
 *   <li>while a host's packets are delayed (at most 375 ms, far below Master_Down_Interval) or
 *       duplicated, the holders do not change at all;
 *   <li>no address on a host whose agent is down (after SIGTERM at once; after kill -9 once the
 *       cleanup has run), checked throughout the time it is down;
 *   <li>every transition a run logged is in its event log exactly once, in order (a killed run may
 *       miss its last events: its event log must be a prefix);
 *   <li>SIGTERM exits 0; no agent exits by itself;
 *   <li>h3's thread count and RSS stay flat (end within bounds of the value after warm-up).
 * </ol>
 */
final class ChaosBench {
  static final String DNS_VIP = "198.18.0.100";
  static final String WEB_VIP = "198.18.0.101";
  static final int KEEPALIVED_HOST = 4;
  static final int STEADY_HOST = 3;
  static final int SMTP_PORT = 2525;

  /**
   * A single holder must be seen this long, with every daemon running, to count as converged:
   * longer than Master_Down_Interval (3.6 s at 1 s adverts), so a restarted higher-priority agent
   * that will preempt has done so within it.
   */
  static final Duration STABLE = Duration.ofSeconds(5);

  static final Duration POLL = Duration.ofMillis(200);

  enum Fault {
    KILL9,
    SIGTERM,
    KEEPALIVED_KILL9,
    LINK_FLAP,
    PARTITION,
    SIGHUP,
    SIGHUP_STORM,
    CONFIG_EDIT,
    ORDER_EDIT,
    LOSS,
    DELAY,
    DUPLICATE
  }

  /** One breach of an invariant, with what was seen. */
  record Violation(double atSeconds, String step, String what) {}

  /** One applied fault and how long the lab took to converge after it was healed. */
  record Step(int number, Fault fault, int host, double convergeSeconds, boolean converged) {}

  private final Duration duration;
  private final boolean mail;
  private final Duration window;
  private final long seed;
  private final PrintStream out;
  private final Random random;
  private final List<Fault> faults = faultMix();
  private final List<Violation> violations = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();
  private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(20), 1 << 20);
  private final JsonMapper json = JsonMapper.builder().build();

  private BenchLab lab;
  private long t0;
  private String launcher;
  private final Map<Integer, Run> runs = new LinkedHashMap<>();
  private final List<Run> finished = new ArrayList<>();
  private NetnsLab.LabProcess keepalived;
  private boolean keepalivedDown;
  private Path orderFile;
  private final Map<Integer, Integer> webPriority = new LinkedHashMap<>();
  private int runNumber;
  private String currentStep = "start";
  // h3's footprint: after warm-up, the largest seen, the last.
  private long rssWarmKb = -1;
  private long rssMaxKb;
  private long rssLastKb;
  private int threadsWarm = -1;
  private int threadsMax;
  private int threadsLast;
  private long transitionsChecked;
  private long eventsMissingAfterKill;
  private long framesDropped;
  private long framesDuplicated;
  private long packetsDelayed;

  /** One agent process: its config, event log, and how it ended. */
  private static final class Run {
    final int host;
    final int number;
    final Path config;
    final Path events;
    NetnsLab.LabProcess process;
    boolean killed;

    Run(int host, int number, Path config, Path events) {
      this.host = host;
      this.number = number;
      this.config = config;
      this.events = events;
    }
  }

  ChaosBench(Duration duration, Duration window, long seed, boolean mail, PrintStream out) {
    this.mail = mail;
    this.duration = duration;
    this.window = window;
    this.seed = seed;
    this.out = out;
    this.random = new Random(seed);
  }

  /**
   * The faults to draw from: all of them, or the comma-separated names in {@code -Dchaos.faults}
   * (e.g. {@code loss,delay,duplicate}) to soak a few.
   */
  private static List<Fault> faultMix() {
    String names = System.getProperty("chaos.faults", "");
    if (names.isBlank()) {
      return List.of(Fault.values());
    }
    return java.util.Arrays.stream(names.split(","))
        .map(n -> Fault.valueOf(n.strip().toUpperCase(Locale.ROOT).replace('-', '_')))
        .toList();
  }

  /** Runs the soak and prints the table; returns the violations (empty: every invariant held). */
  List<Violation> run() {
    out.printf(
        Locale.ROOT,
        "chaos: %s, convergence window %s, seed %d, mail to a dead SMTP server %s%n",
        duration,
        window,
        seed,
        mail ? "on" : "off");
    lab = new BenchLab(4);
    List<ServerSocket> deadSmtp = new ArrayList<>();
    try {
      t0 = System.nanoTime();
      launcher =
          System.getProperty("bench.launcher", lab.repo.resolve("bin/vrrp-agent").toString());
      for (int h = 1; h <= 3; h++) {
        int host = h;
        // A dead SMTP server: the kernel completes the handshake (backlog), nobody ever answers.
        deadSmtp.add(
            lab.lab.inNamespace(
                host, () -> new ServerSocket(SMTP_PORT, 4, InetAddress.ofLiteral("127.0.0.1"))));
        webPriority.put(h, 90 + 10 * h);
      }
      orderFile = lab.workFile("order.txt");
      writeOrder(List.of("h1", "h2", "h3"), false);
      keepalived = startKeepalived();
      for (int h = 1; h <= 3; h++) {
        start(h);
      }
      converge("start", Fault.SIGHUP, 0, Duration.ofSeconds(Math.max(60, window.toSeconds())));
      long end = System.nanoTime() + duration.toNanos();
      int n = 0;
      while (System.nanoTime() < end) {
        n++;
        step(n);
        sampleSteady();
      }
      stopAll();
    } catch (RuntimeException e) {
      violation("harness failed: " + e);
      e.printStackTrace(out);
    } finally {
      for (ServerSocket s : deadSmtp) {
        try {
          s.close();
        } catch (IOException e) {
          // closing a listener we own; nothing to do
        }
      }
      lab.close();
    }
    printTable();
    return violations;
  }

  // ------------------------------------------------------------------ the steps

  private void step(int n) {
    List<Fault> faults = this.faults;
    Fault fault = faults.get(random.nextInt(faults.size()));
    int agent = 1 + random.nextInt(2); // h1 or h2 for stops; h3 stays up
    int anyHost = 1 + random.nextInt(4);
    Duration hold = Duration.ofMillis(2000 + random.nextInt(6000));
    currentStep = "#" + n + " " + fault;
    int host =
        switch (fault) {
          case KILL9, SIGTERM -> agent;
          case KEEPALIVED_KILL9 -> KEEPALIVED_HOST;
          case LINK_FLAP, PARTITION -> anyHost;
          case LOSS, DELAY, DUPLICATE -> impairmentTarget(anyHost);
          case SIGHUP, SIGHUP_STORM, CONFIG_EDIT -> 1 + random.nextInt(3);
          case ORDER_EDIT -> 0;
        };
    currentStep += host == 0 ? "" : " h" + host;
    Impairment impairment =
        switch (fault) {
          case LOSS -> Impairment.loss(10 + random.nextInt(71));
          case DELAY -> {
            int ms = 50 + random.nextInt(251);
            yield Impairment.delayed(
                Duration.ofMillis(ms), Duration.ofMillis(random.nextInt(ms / 4 + 1)));
          }
          case DUPLICATE -> Impairment.duplication(20 + random.nextInt(61));
          default -> Impairment.none();
        };
    if (!impairment.equals(Impairment.none())) {
      currentStep += " " + impairment;
    }
    out.printf(
        Locale.ROOT,
        "  %7.1f s  %s (hold %.1f s)%n",
        seconds(),
        currentStep,
        hold.toMillis() / 1000.0);
    switch (fault) {
      case KILL9 -> {
        Run r = runs.get(host);
        r.killed = true;
        lab.crash(r.process);
        cleanup(host);
        finish(r);
        holdDown(host, hold);
        start(host);
      }
      case SIGTERM -> {
        Run r = runs.get(host);
        int status = lab.terminate(r.process);
        if (status != 0) {
          violation(
              "h" + host + " exited " + status + " after SIGTERM:\n" + BenchLab.tail(r.process));
        }
        finish(r);
        holdDown(host, hold);
        start(host);
      }
      case KEEPALIVED_KILL9 -> {
        keepalivedDown = true;
        lab.crash(keepalived);
        lab.removeAddress(KEEPALIVED_HOST, DNS_VIP + "/24");
        holdDown(host, hold);
        keepalived = startKeepalived();
        keepalivedDown = false;
      }
      case LINK_FLAP -> {
        lab.lab.execChecked(host, "ip", "link", "set", "eth0", "down");
        watch(hold);
        lab.lab.execChecked(host, "ip", "link", "set", "eth0", "up");
      }
      case PARTITION -> {
        switchPort(host, false);
        watch(hold);
        switchPort(host, true);
      }
      case SIGHUP -> signal(host, "HUP");
      case SIGHUP_STORM -> {
        for (int i = 0; i < 20; i++) {
          signal(host, "HUP");
        }
      }
      case CONFIG_EDIT -> {
        webPriority.put(host, 50 + random.nextInt(150));
        Run r = runs.get(host);
        write(r.config, agentYaml(host, r.events));
        signal(host, "HUP");
      }
      case ORDER_EDIT -> {
        List<String> order = new ArrayList<>(List.of("h1", "h2", "h3"));
        Collections.shuffle(order, random);
        if (random.nextInt(4) == 0) {
          order.set(2, "# " + order.get(2) + " out of service");
        }
        writeOrder(order, random.nextBoolean());
      }
      case LOSS, DELAY, DUPLICATE -> {
        lab.lab.impair(host, impairment);
        try {
          if (fault == Fault.LOSS) {
            watch(hold);
          } else {
            watchHoldersUnchanged(hold, impairment);
          }
        } finally {
          NetnsLab.ImpairmentStats st = lab.lab.impairmentStats(host);
          framesDropped += st.dropped();
          framesDuplicated += st.duplicated();
          packetsDelayed += st.delayed();
          lab.lab.clearImpairment(host);
        }
      }
    }
    double took = converge(currentStep, fault, host, window);
    steps.add(new Step(n, fault, host, took, took >= 0));
  }

  /**
   * Where a loss, delay or duplication goes: half the time the current holder of one of the
   * addresses (only a master sends adverts, so that is where an impairment bites), else {@code
   * anyHost}.
   */
  private int impairmentTarget(int anyHost) {
    if (random.nextBoolean()) {
      List<Integer> holders = holders().get(random.nextBoolean() ? DNS_VIP : WEB_VIP);
      if (holders.size() == 1) {
        return holders.get(0);
      }
    }
    return anyHost;
  }

  /** Holds a host's daemon down, checking all the while that its host holds no address. */
  private void holdDown(int host, Duration hold) {
    long until = System.nanoTime() + hold.toNanos();
    do {
      checkUnexpectedExits();
      Map<String, Boolean> held = addresses(host);
      held.forEach(
          (vip, there) -> {
            if (there) {
              violation("h" + host + " holds " + vip + " while its daemon is down");
            }
          });
      sleep(POLL);
    } while (System.nanoTime() < until);
  }

  /** Waits out a fault's hold time, watching for daemons that die by themselves. */
  private void watch(Duration hold) {
    long until = System.nanoTime() + hold.toNanos();
    do {
      checkUnexpectedExits();
      sleep(POLL);
    } while (System.nanoTime() < until);
  }

  /**
   * Waits out a delay or duplication fault: the holders seen at its start (one per address, as the
   * previous step converged) must stay the holders throughout.
   */
  private void watchHoldersUnchanged(Duration hold, Impairment impairment) {
    Map<String, List<Integer>> before = holders();
    long until = System.nanoTime() + hold.toNanos();
    do {
      checkUnexpectedExits();
      Map<String, List<Integer>> now = holders();
      if (!now.equals(before)) {
        violation(
            "holders changed under "
                + impairment
                + " (no advert is late enough to matter): "
                + before
                + " -> "
                + now
                + "\n"
                + states());
        return;
      }
      sleep(POLL);
    } while (System.nanoTime() < until);
  }

  /**
   * Waits until each address has exactly one holder, seen for {@link #STABLE}; returns the seconds
   * that took, or -1 (and a violation with who held what) when {@code within} passed first.
   */
  private double converge(String what, Fault fault, int host, Duration within) {
    long start = System.nanoTime();
    long deadline = start + within.toNanos();
    long stableSince = -1;
    long firstSingle = -1;
    Map<String, List<Integer>> last = Map.of();
    while (System.nanoTime() < deadline) {
      checkUnexpectedExits();
      last = holders();
      boolean single = last.values().stream().allMatch(l -> l.size() == 1) && allRunning();
      if (last.get(WEB_VIP).contains(KEEPALIVED_HOST)) {
        violation(WEB_VIP + " on h4, which has no such instance");
      }
      long now = System.nanoTime();
      if (single) {
        if (stableSince < 0) {
          stableSince = now;
          firstSingle = now;
        }
        if (now - stableSince >= STABLE.toNanos()) {
          return (firstSingle - start) / 1e9;
        }
      } else {
        stableSince = -1;
      }
      sleep(POLL);
    }
    violation(
        "no single holder (with every agent running) "
            + within.toSeconds()
            + " s after "
            + what
            + " was healed: "
            + last
            + "\n"
            + states());
    return -1;
  }

  // ------------------------------------------------------------------ daemons

  /** Every agent has logged "running" (its sockets are open and its routers started). */
  private boolean allRunning() {
    for (Run r : runs.values()) {
      if (!r.process.output().contains("node h" + r.host + ": running")) {
        return false;
      }
    }
    return runs.size() == 3;
  }

  private void start(int host) {
    int number = ++runNumber;
    Path events = lab.workFile("events-h" + host + "-" + number + ".jsonl");
    Path config = lab.workFile("agent-h" + host + "-" + number + ".yaml");
    write(config, agentYaml(host, events));
    Run r = new Run(host, number, config, events);
    r.process =
        lab.lab.start(
            host,
            launcher,
            "run",
            "--config",
            config.toString(),
            "--state-file",
            lab.stateFile(host).toString());
    runs.put(host, r);
  }

  /** {@code vrrp-agent cleanup}, as the unit's ExecStopPost runs it after any stop. */
  private void cleanup(int host) {
    CommandRunner.Result c =
        lab.lab.exec(host, launcher, "cleanup", "--state-file", lab.stateFile(host).toString());
    if (!c.succeeded()) {
      violation("h" + host + ": cleanup after kill -9 failed: " + c.describeFailure());
    }
  }

  private NetnsLab.LabProcess startKeepalived() {
    return lab.keepalived(
        KEEPALIVED_HOST, LabConfigs.keepalived("h4", 51, 130, "1", DNS_VIP + "/24", "", ""));
  }

  /**
   * Signals a daemon once it runs (logged "running"): systemd, too, sends no reload before READY=1,
   * and a SIGHUP before the JVM's handler is installed ends the process (status 129).
   */
  private void signal(int host, String signal) {
    Run r = runs.get(host);
    BenchLab.await(
        "h" + host + " running",
        window,
        () ->
            r.process.output().contains("node h" + host + ": running")
                || !r.process.process().isAlive());
    runner.run(List.of("kill", "-" + signal, Long.toString(r.process.pid())));
  }

  private void checkUnexpectedExits() {
    for (Run r : List.copyOf(runs.values())) {
      if (!r.process.process().isAlive()) {
        violation(
            "h"
                + r.host
                + " run "
                + r.number
                + " exited by itself with status "
                + r.process.process().exitValue()
                + ":\n"
                + BenchLab.tail(r.process));
        r.killed = true;
        cleanup(r.host);
        finish(r);
        start(r.host);
      }
    }
    if (!keepalivedDown && !keepalived.process().isAlive()) {
      violation("keepalived exited by itself:\n" + BenchLab.tail(keepalived));
      lab.removeAddress(KEEPALIVED_HOST, DNS_VIP + "/24");
      keepalived = startKeepalived();
    }
  }

  private void stopAll() {
    currentStep = "final stop";
    for (Run r : List.copyOf(runs.values())) {
      int status = lab.terminate(r.process);
      if (status != 0) {
        violation(
            "h" + r.host + " exited " + status + " after SIGTERM:\n" + BenchLab.tail(r.process));
      }
      finish(r);
      addresses(r.host)
          .forEach(
              (vip, there) -> {
                if (there) {
                  violation("h" + r.host + " still holds " + vip + " after SIGTERM");
                }
              });
    }
    lab.terminate(keepalived);
  }

  private static final Pattern TRANSITION =
      Pattern.compile(
          "^\\S+ INFO\\s+(dns0|web0): (INIT|BACKUP|MASTER|FAULT) -> (INIT|BACKUP|MASTER|FAULT) \\(",
          Pattern.MULTILINE);

  /** A run ended: its logged transitions must be in its event log once each, in order. */
  private void finish(Run r) {
    runs.remove(r.host, r);
    finished.add(r);
    List<String> logged = new ArrayList<>();
    Matcher m = TRANSITION.matcher(r.process.output());
    while (m.find()) {
      logged.add(
          m.group(1) + " " + m.group(2) + "->" + (m.group(3).equals("INIT") ? "STOP" : m.group(3)));
    }
    List<String> notified = new ArrayList<>();
    try {
      if (Files.exists(r.events)) {
        for (String line : Files.readAllLines(r.events, StandardCharsets.UTF_8)) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode e = json.readTree(line);
          if ("INSTANCE".equals(e.path("type").asString(""))) {
            notified.add(
                e.path("name").asString("")
                    + " "
                    + e.path("from").asString("")
                    + "->"
                    + e.path("to").asString(""));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      violation("h" + r.host + " run " + r.number + ": cannot read its event log: " + e);
      return;
    }
    transitionsChecked += logged.size();
    boolean prefix =
        notified.size() <= logged.size() && logged.subList(0, notified.size()).equals(notified);
    if (r.killed ? !prefix : !notified.equals(logged)) {
      violation(
          "h"
              + r.host
              + " run "
              + r.number
              + (r.killed ? " (killed)" : "")
              + ": transitions logged "
              + logged
              + " but notified "
              + notified);
    } else if (r.killed) {
      eventsMissingAfterKill += logged.size() - notified.size();
    }
  }

  // ------------------------------------------------------------------ the lab

  private String agentYaml(int host, Path events) {
    return """
        node: h%d
        checks:
          link:
            interface: { name: eth0 }
            interval: 500ms
        instances:
          dns0:
            interface: eth0
            vrid: 51
            version: 2               # keepalived's default
            advert-interval: 1s
            addresses: [%s/24]
            priority-order: { file: %s, ranks: [200, 150, 120], unlisted: 50 }
            track:
              - { check: link }
          web0:
            interface: eth0
            vrid: 52
            priority: %d
            advert-interval: 1s
            addresses: [%s/24]
            track:
              - { check: link }
        notify:
          hooks:
            - exec: [/bin/sh, -c, "sleep 3600", hang]
              timeout: 2s
        %s
          events:
            log: %s
        """
        .formatted(host, DNS_VIP, orderFile, webPriority.get(host), WEB_VIP, mail(host), events);
  }

  /** Mail to the dead SMTP server (left out when {@code mail} is false). */
  private String mail(int host) {
    if (!mail) {
      return "";
    }
    return String.join(
        "\n",
        "  email:",
        "    smtp: { host: 127.0.0.1, port: " + SMTP_PORT + ", starttls: none, timeout: 5s }",
        "    from: vrrp-agent@h" + host + ".example.org",
        "    to: [ops@example.org]",
        "    when: [master, backup, fault]",
        "    coalesce: 0s");
  }

  private void writeOrder(List<String> order, boolean renameOver) {
    String text =
        "# chaos: hosts in order of preference for dns0\n" + String.join("\n", order) + "\n";
    if (renameOver) {
      Path tmp = orderFile.resolveSibling("order.txt.new");
      write(tmp, text);
      try {
        Files.move(
            tmp, orderFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      write(orderFile, text);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void switchPort(int host, boolean attached) {
    String port = lab.lab.prefix() + "p" + host;
    List<String> argv =
        new ArrayList<>(List.of("ip", "-n", lab.lab.switchNamespace(), "link", "set", port));
    argv.addAll(attached ? List.of("master", "br0") : List.of("nomaster"));
    CommandRunner.Result r = runner.run(argv);
    if (!r.succeeded()) {
      throw new IllegalStateException(r.describeFailure());
    }
  }

  /** Which of the two addresses a host has on eth0. */
  private Map<String, Boolean> addresses(int host) {
    List<String> argv = new ArrayList<>(lab.lab.ipCommand(host));
    argv.addAll(List.of("-o", "addr", "show", "dev", "eth0"));
    CommandRunner.Result r = runner.run(argv);
    if (!r.succeeded()) {
      throw new IllegalStateException(r.describeFailure());
    }
    Map<String, Boolean> m = new LinkedHashMap<>();
    m.put(DNS_VIP, r.stdout().contains(" " + DNS_VIP + "/"));
    m.put(WEB_VIP, r.stdout().contains(" " + WEB_VIP + "/"));
    return m;
  }

  private Map<String, List<Integer>> holders() {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    m.put(DNS_VIP, new ArrayList<>());
    m.put(WEB_VIP, new ArrayList<>());
    for (int h = 1; h <= 4; h++) {
      int host = h;
      addresses(h)
          .forEach(
              (vip, there) -> {
                if (there) {
                  m.get(vip).add(host);
                }
              });
    }
    return m;
  }

  /** The last state line of each daemon, for a violation's detail. */
  private String states() {
    StringBuilder b = new StringBuilder();
    for (Run r : runs.values()) {
      b.append("--- h")
          .append(r.host)
          .append(" run ")
          .append(r.number)
          .append(" ---\n")
          .append(BenchLab.tail(r.process))
          .append('\n');
    }
    b.append("--- keepalived ---\n").append(BenchLab.tail(keepalived));
    return b.toString();
  }

  private void sampleSteady() {
    Run r = runs.get(STEADY_HOST);
    if (r == null || !r.process.process().isAlive()) {
      return;
    }
    try {
      long rss = -1;
      int threads = -1;
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(r.process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", ""));
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.replaceAll("\\D", ""));
        }
      }
      rssLastKb = rss;
      threadsLast = threads;
      if (seconds() < Math.min(120, duration.toSeconds() / 3.0)) {
        return; // warming up
      }
      if (rssWarmKb < 0) {
        rssWarmKb = rss;
        threadsWarm = threads;
      }
      rssMaxKb = Math.max(rssMaxKb, rss);
      threadsMax = Math.max(threadsMax, threads);
    } catch (IOException | RuntimeException e) {
      // the process ended between the check and the read; the next sample counts
    }
  }

  private void violation(String what) {
    Violation v = new Violation(seconds(), currentStep, what);
    violations.add(v);
    out.printf(Locale.ROOT, "  %7.1f s  VIOLATION in %s: %s%n", v.atSeconds(), v.step(), v.what());
  }

  private double seconds() {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void sleep(Duration d) {
    try {
      TimeUnit.NANOSECONDS.sleep(d.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  // ------------------------------------------------------------------ the table

  private void printTable() {
    Map<Fault, List<Step>> byFault = new EnumMap<>(Fault.class);
    for (Step s : steps) {
      byFault.computeIfAbsent(s.fault(), f -> new ArrayList<>()).add(s);
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "Chaos soak: %.0f s, %d steps, seed %d, convergence window %d s, mail to a dead SMTP server %s%n%n",
        seconds(),
        steps.size(),
        seed,
        window.toSeconds(),
        mail ? "on" : "off");
    out.println("| fault | steps | converged | p50 s | p95 s | max s |");
    out.println("|---|---:|---:|---:|---:|---:|");
    byFault.forEach(
        (fault, list) -> {
          double[] t =
              list.stream()
                  .filter(Step::converged)
                  .mapToDouble(Step::convergeSeconds)
                  .sorted()
                  .toArray();
          out.printf(
              Locale.ROOT,
              "| %s | %d | %d | %s | %s | %s |%n",
              fault.name().toLowerCase(Locale.ROOT).replace('_', ' '),
              list.size(),
              t.length,
              pct(t, 0.5),
              pct(t, 0.95),
              t.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f", t[t.length - 1]));
        });
    out.println();
    out.printf(Locale.ROOT, "| invariant check | result |%n|---|---|%n");
    out.printf(Locale.ROOT, "| violations | %d |%n", violations.size());
    out.printf(
        Locale.ROOT,
        "| agent runs checked for notify-once | %d (%d transitions; %d events not written by killed runs) |%n",
        finished.size(),
        transitionsChecked,
        eventsMissingAfterKill);
    out.printf(
        Locale.ROOT,
        "| impairment effect (all steps) | %d frames dropped, %d duplicated, %d packets delayed |%n",
        framesDropped,
        framesDuplicated,
        packetsDelayed);
    out.printf(
        Locale.ROOT,
        "| h3 threads after warm-up / max / end | %d / %d / %d |%n",
        threadsWarm,
        threadsMax,
        threadsLast);
    out.printf(
        Locale.ROOT,
        "| h3 RSS MiB after warm-up / max / end | %.1f / %.1f / %.1f |%n",
        rssWarmKb / 1024.0,
        rssMaxKb / 1024.0,
        rssLastKb / 1024.0);
    if (threadsWarm > 0 && threadsLast > threadsWarm + 20) {
      violations.add(
          new Violation(
              seconds(), "end", "h3 threads grew from " + threadsWarm + " to " + threadsLast));
    }
    if (rssWarmKb > 0 && rssLastKb > rssWarmKb * 2 + 32 * 1024) {
      violations.add(
          new Violation(
              seconds(), "end", "h3 RSS grew from " + rssWarmKb + " kB to " + rssLastKb + " kB"));
    }
    for (Violation v : violations) {
      out.printf(Locale.ROOT, "VIOLATION at %.1f s (%s): %s%n", v.atSeconds(), v.step(), v.what());
    }
    out.flush();
  }

  private static String pct(double[] sorted, double p) {
    if (sorted.length == 0) {
      return "-";
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return String.format(Locale.ROOT, "%.1f", sorted[Math.max(0, Math.min(sorted.length - 1, i))]);
  }
}
