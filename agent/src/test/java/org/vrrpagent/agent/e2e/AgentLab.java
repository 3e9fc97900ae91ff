package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.vrrpagent.core.lab.Keepalived;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;

/**
 * The netns lab with real daemons: vrrp-agent started as operators start it ({@code bin/vrrp-agent
 * run --config FILE}, the built distribution from this checkout) and Debian's keepalived.
 * Everything is killed and every namespace removed on {@link #close()}.
 */
final class AgentLab implements AutoCloseable {
  /** How often waits poll the lab. */
  static final Duration POLL = Duration.ofMillis(20);

  final NetnsLab lab;
  private final List<NetnsLab.LabProcess> agents = new ArrayList<>();
  private LabMail mail;
  private int configs;

  private AgentLab(NetnsLab lab) {
    this.lab = lab;
  }

  static AgentLab create(int hosts) {
    return new AgentLab(NetnsLab.create(hosts));
  }

  /**
   * A lab of {@code hosts} hosts with a real SMTP server ({@link LabMail}) in host {@code
   * mailHost}, stopped on {@link #close()}.
   */
  static AgentLab withMail(int hosts, int mailHost) {
    AgentLab lab = create(hosts);
    try {
      lab.mail = LabMail.start(lab, mailHost);
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  /** The SMTP server of a lab made by {@link #withMail}. */
  LabMail mail() {
    if (mail == null) {
      throw new IllegalStateException("no mail server in this lab (AgentLab.withMail starts one)");
    }
    return mail;
  }

  /** The checkout's root: the directory holding {@code mvnw}. */
  static Path repoRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
      if (Files.isExecutable(dir.resolve("mvnw"))
          && Files.isExecutable(dir.resolve("bin/vrrp-agent"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the checkout (mvnw, bin/vrrp-agent) above " + System.getProperty("user.dir"));
  }

  Path write(String name, String text) {
    Path file = lab.workDir().resolve(name);
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Writes an executable script (mode rwxr-xr-x) into the lab's directory. */
  Path script(String name, String text) {
    Path file = write(name, text);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Starts vrrp-agent in host {@code host} with this YAML (and the host's own state file). */
  NetnsLab.LabProcess agent(int host, String yaml) {
    Path config = write("agent-h" + host + "-" + (++configs) + ".yaml", yaml);
    NetnsLab.LabProcess p =
        lab.start(
            host,
            launcher(),
            "run",
            "--config",
            config.toString(),
            "--state-file",
            stateFile(host).toString());
    agents.add(p);
    return p;
  }

  /** Every agent {@link #agent} started in this lab, in order (for the logs of a failure). */
  NetnsLab.LabProcess[] agents() {
    return agents.toArray(NetnsLab.LabProcess[]::new);
  }

  /** The distribution's launcher, {@code bin/vrrp-agent}. */
  static String launcher() {
    return repoRoot().resolve("bin/vrrp-agent").toString();
  }

  /** Runs {@code vrrp-agent ARGS} (a one-shot command: status, validate …) in host {@code host}. */
  CommandRunner.Result cli(int host, String... args) {
    String[] argv = new String[args.length + 1];
    argv[0] = launcher();
    System.arraycopy(args, 0, argv, 1, args.length);
    return lab.exec(host, argv);
  }

  /** As {@link #cli}, asserting that it succeeds; returns what it printed. */
  String cliOk(int host, String... args) {
    CommandRunner.Result r = cli(host, args);
    assertThat(r.succeeded()).as(String.join(" ", args) + ": " + r.describeFailure()).isTrue();
    return r.stdout();
  }

  /**
   * Debian's ucarp in host {@code host} on eth0, from the host's own address, with scripts that add
   * and remove {@code vip}/24 there (ucarp itself only runs them).
   */
  NetnsLab.LabProcess ucarp(
      int host, int vhid, String pass, String vip, int advskew, boolean preempt) {
    Path up =
        script("ucarp-up-h" + host + ".sh", "#!/bin/sh\nexec ip addr add \"$2\"/24 dev \"$1\"\n");
    Path down =
        script("ucarp-down-h" + host + ".sh", "#!/bin/sh\nexec ip addr del \"$2\"/24 dev \"$1\"\n");
    List<String> argv =
        new ArrayList<>(
            List.of(
                "/usr/sbin/ucarp",
                "--interface=eth0",
                "--srcip=" + lab.ipv4(host).getHostAddress(),
                "--vhid=" + vhid,
                "--pass=" + pass,
                "--addr=" + vip,
                "--advbase=1",
                "--advskew=" + advskew,
                "--upscript=" + up,
                "--downscript=" + down,
                "--shutdown",
                "--neutral"));
    if (preempt) {
      argv.add("--preempt");
    }
    return lab.start(host, argv.toArray(String[]::new));
  }

  /**
   * The first packet matching {@code filter} on host {@code host}'s eth0, as {@code tcpdump -n
   * OPTIONS -c 1} prints it (waiting at most 10 s).
   */
  String captureOne(int host, String filter, String... options) {
    List<String> argv = new ArrayList<>(List.of("timeout", "10", "tcpdump", "-i", "eth0", "-n"));
    argv.addAll(List.of(options));
    argv.addAll(List.of("-c", "1", filter));
    return lab.execChecked(host, argv.toArray(String[]::new));
  }

  /** The bytes of the packet in a {@code tcpdump -x} print (its {@code 0x0000:} hex lines). */
  static byte[] hexDump(String tcpdump) {
    StringBuilder hex = new StringBuilder();
    for (String line : tcpdump.lines().toList()) {
      String t = line.strip();
      if (t.startsWith("0x")) {
        hex.append(t.substring(t.indexOf(':') + 1).replace(" ", ""));
      }
    }
    return HexFormat.of().parseHex(hex.toString());
  }

  /**
   * Host {@code host}'s state file: one per host, so lab daemons (and parallel runs) never share
   * one.
   */
  Path stateFile(int host) {
    return lab.workDir().resolve("state-h" + host + ".json");
  }

  NetnsLab.LabProcess keepalived(int host, String config) {
    return Keepalived.start(lab, host, config);
  }

  /** SIGTERM, then waits for the exit (at most 10 s) and returns the exit status. */
  int terminate(NetnsLab.LabProcess p) {
    p.process().destroy();
    try {
      if (!p.process().waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("did not exit within 10 s of SIGTERM:\n" + p.output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return p.process().exitValue();
  }

  void kill(NetnsLab.LabProcess p) {
    lab.kill(p);
  }

  boolean hasAddress(int host, String address) {
    String out = lab.execChecked(host, "ip", "-o", "addr", "show", "dev", "eth0");
    return out.contains(" " + address + "/");
  }

  /**
   * Waits until {@code address} is on {@code host} and returns how long that took (ms from {@code
   * sinceNanos}); fails after {@code within}.
   */
  long awaitAddress(
      int host, String address, long sinceNanos, Duration within, NetnsLab.LabProcess... logs) {
    try {
      Awaitility.await(address + " on host " + host)
          .atMost(within)
          .pollInterval(POLL)
          .pollDelay(Duration.ZERO)
          .until(() -> hasAddress(host, address));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + logs(logs), e);
    }
    return (System.nanoTime() - sinceNanos) / 1_000_000;
  }

  void awaitNoAddress(int host, String address, Duration within, NetnsLab.LabProcess... logs) {
    try {
      Awaitility.await(address + " gone from host " + host)
          .atMost(within)
          .pollInterval(POLL)
          .until(() -> !hasAddress(host, address));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + logs(logs), e);
    }
  }

  /** Waits until a log says {@code text}. */
  void awaitLog(NetnsLab.LabProcess p, String text, Duration within) {
    try {
      Awaitility.await("'" + text + "' in the log")
          .atMost(within)
          .pollInterval(POLL)
          .until(() -> p.output().contains(text));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + logs(p), e);
    }
  }

  /** Which host holds {@code address} now: asserts exactly one does and returns it. */
  int holder(String address) {
    int found = 0;
    for (int h = 1; h <= lab.hostCount(); h++) {
      if (hasAddress(h, address)) {
        assertThat(found).as(address + " on hosts " + found + " and " + h).isZero();
        found = h;
      }
    }
    return found;
  }

  /**
   * Makes {@code host} resolve {@code address} (a UDP datagram to the discard port), so it has a
   * neighbour entry.
   */
  void touch(int host, String address) {
    lab.exec(host, "bash", "-c", "echo x > /dev/udp/" + address + "/9");
  }

  /** The MAC in {@code host}'s neighbour entry for {@code address}, or "" when there is none. */
  String neighbourMac(int host, String address) {
    String out = lab.execChecked(host, "ip", "neigh", "show", address, "dev", "eth0");
    String[] f = out.strip().split("\\s+");
    for (int i = 0; i + 1 < f.length; i++) {
      if (f[i].equals("lladdr")) {
        return f[i + 1];
      }
    }
    return "";
  }

  /**
   * The samples of host {@code host}'s {@code GET /metrics} (the control API's default
   * 127.0.0.1:9740), by name with labels: {@code vrrp_rx_dropped_total{reason="ttl",}} → value.
   */
  Map<String, Double> metrics(int host) {
    return samples(metricsText(host));
  }

  /** The samples of a {@code GET /metrics} response ({@link #metricsText}), by name with labels. */
  static Map<String, Double> samples(String body) {
    Map<String, Double> samples = new HashMap<>();
    boolean inBody = false;
    for (String line : body.split("\r?\n")) {
      if (!inBody) {
        inBody = line.isEmpty();
        continue;
      }
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  /** Host {@code host}'s {@code GET /metrics} response as it came, headers and all. */
  String metricsText(int host) {
    return lab.execChecked(
        host,
        "bash",
        "-c",
        "exec 3<>/dev/tcp/127.0.0.1/9740; printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3;"
            + " cat <&3");
  }

  /** {@code vrrp_rx_dropped_total} for {@code reason} on host {@code host} (0 when absent). */
  double dropped(int host, String reason) {
    return metrics(host).entrySet().stream()
        .filter(e -> e.getKey().startsWith("vrrp_rx_dropped_total{"))
        .filter(e -> e.getKey().contains("reason=\"" + reason + "\""))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  static String logs(NetnsLab.LabProcess... processes) {
    StringBuilder b = new StringBuilder();
    for (NetnsLab.LabProcess p : processes) {
      b.append("\n--- ").append(p.log().getFileName()).append(" ---\n").append(p.output());
    }
    return b.toString();
  }

  @Override
  public void close() {
    try {
      if (mail != null) {
        mail.close();
      }
    } finally {
      lab.close();
    }
  }
}
