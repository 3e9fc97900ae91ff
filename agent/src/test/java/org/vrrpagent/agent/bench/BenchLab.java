package org.vrrpagent.agent.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;

/**
 * The netns lab with the daemons the benchmarks start: vrrp-agent (through {@code bin/vrrp-agent}
 * as operators start it, or straight from {@code java} with a chosen set of JVM options) and
 * Debian's keepalived. Everything started here dies with {@link #close()}.
 */
final class BenchLab implements AutoCloseable {
  /** Time limit for a daemon's start-up and first election. */
  static final Duration ELECTION = Duration.ofSeconds(30);

  /** Time limit for a SIGTERMed daemon to exit (an AOT training run assembles its cache first). */
  static final Duration EXIT = Duration.ofSeconds(120);

  final NetnsLab lab;
  final Path repo;
  private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(10), 1 << 20);
  private int files;

  BenchLab(int hosts) {
    this.repo = repoRoot();
    this.lab = NetnsLab.create(hosts);
  }

  /** The checkout's root: the directory holding {@code mvnw} and {@code bin/vrrp-agent}. */
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

  /**
   * The classpath bin/vrrp-agent runs from a source checkout: the agent jar and agent/target/lib.
   */
  String agentClasspath() {
    Path target = repo.resolve("agent/target");
    try (Stream<Path> s = Files.list(target)) {
      Path jar =
          s.filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith("agent-")
                        && n.endsWith(".jar")
                        && !n.contains("sources")
                        && !n.contains("tests");
                  })
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no agent jar in " + target + ": run ./mvnw -q package -DskipTests"));
      return jar + ":" + target.resolve("lib") + "/*";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JVM options on the {@code jvm_opts=} line of bin/vrrp-agent. */
  List<String> launcherJvmOptions() {
    try {
      for (String line :
          Files.readAllLines(repo.resolve("bin/vrrp-agent"), StandardCharsets.UTF_8)) {
        String l = line.strip();
        if (l.startsWith("jvm_opts=\"") && l.endsWith("\"")) {
          String v = l.substring("jvm_opts=\"".length(), l.length() - 1).strip();
          return v.isEmpty() ? List.of() : List.of(v.split("\\s+"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no jvm_opts=\"...\" line in bin/vrrp-agent");
  }

  Path write(String name, String text) {
    Path file = lab.workDir().resolve((++files) + "-" + name);
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Host {@code host}'s state file: one per host, so lab daemons never share one. */
  Path stateFile(int host) {
    return lab.workDir().resolve("state-h" + host + ".json");
  }

  Path workFile(String name) {
    return lab.workDir().resolve(name);
  }

  /** vrrp-agent through the launcher, as operators run it. */
  NetnsLab.LabProcess launcherAgent(int host, String yaml) {
    return launcherAgent(host, yaml, List.of());
  }

  /**
   * As {@link #launcherAgent(int, String)} with environment variables ({@code K=V}, through env(1),
   * which execs the launcher, which execs java: the PID stays the JVM's).
   */
  NetnsLab.LabProcess launcherAgent(int host, String yaml, List<String> environment) {
    Path config = write("agent-h" + host + ".yaml", yaml);
    List<String> argv = new ArrayList<>();
    if (!environment.isEmpty()) {
      argv.add("env");
      argv.addAll(environment);
    }
    argv.addAll(
        List.of(
            repo.resolve("bin/vrrp-agent").toString(),
            "run",
            "--config",
            config.toString(),
            "--state-file",
            stateFile(host).toString()));
    return lab.start(host, argv.toArray(String[]::new));
  }

  /**
   * vrrp-agent straight from java with these JVM options (and the launcher's native-access flag).
   */
  NetnsLab.LabProcess javaAgent(int host, String yaml, List<String> jvmOptions) {
    return javaAgent(host, yaml, jvmOptions, List.of());
  }

  /**
   * As {@link #javaAgent(int, String, List)} with environment variables ({@code K=V}, through
   * env(1), which execs java: the PID stays the JVM's).
   */
  NetnsLab.LabProcess javaAgent(
      int host, String yaml, List<String> jvmOptions, List<String> environment) {
    Path config = write("agent-h" + host + ".yaml", yaml);
    List<String> argv = new ArrayList<>();
    if (!environment.isEmpty()) {
      argv.add("env");
      argv.addAll(environment);
    }
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(jvmOptions);
    argv.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            agentClasspath(),
            "org.vrrpagent.agent.cli.VrrpAgentCommand",
            "run",
            "--config",
            config.toString(),
            "--state-file",
            stateFile(host).toString()));
    return lab.start(host, argv.toArray(String[]::new));
  }

  /**
   * keepalived as {@code Keepalived.start} runs it in the tests, plus {@code --dont-respawn}: a
   * SIGKILLed VRRP child stays dead, as after a crash, instead of coming back as BACKUP.
   */
  NetnsLab.LabProcess keepalived(int host, String config) {
    String name = lab.namespace(host) + "-keepalived-" + (++files);
    Path conf = write(name + ".conf", config);
    Path dir = lab.workDir();
    return lab.start(
        host,
        "keepalived",
        "--dont-fork",
        "--dont-respawn",
        "--log-console",
        "--log-detail",
        "--no-syslog",
        "--vrrp",
        "--use-file=" + conf,
        "--pid=" + dir.resolve(name + ".pid"),
        "--vrrp_pid=" + dir.resolve(name + "-vrrp.pid"),
        "--checkers_pid=" + dir.resolve(name + "-checkers.pid"));
  }

  /** SIGKILL to the process and its children (children first, by PID), as a crash or power loss. */
  void crash(NetnsLab.LabProcess p) {
    lab.kill(p);
  }

  /** SIGTERM, then waits for the exit; returns the exit status. */
  int terminate(NetnsLab.LabProcess p) {
    p.process().destroy();
    return awaitExit(p);
  }

  int awaitExit(NetnsLab.LabProcess p) {
    try {
      if (!p.process().waitFor(EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
        lab.kill(p);
        throw new IllegalStateException("did not exit within " + EXIT + " of SIGTERM:\n" + tail(p));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return p.process().exitValue();
  }

  /**
   * Whether {@code address} is on {@code host}'s eth0 ({@code ip -n NS -o addr}: one fork, no
   * shell).
   */
  boolean hasAddress(int host, String address) {
    List<String> cmd = new ArrayList<>(lab.ipCommand(host));
    cmd.addAll(List.of("-o", "addr", "show", "dev", "eth0"));
    CommandRunner.Result r = runner.run(cmd);
    if (!r.succeeded()) {
      throw new IllegalStateException(r.describeFailure());
    }
    return r.stdout().contains(" " + address + "/");
  }

  /**
   * Removes {@code address} from {@code host} if it is there (a crashed keepalived leaves it
   * behind).
   */
  void removeAddress(int host, String addressWithPrefix) {
    List<String> cmd = new ArrayList<>(lab.ipCommand(host));
    cmd.addAll(List.of("addr", "del", addressWithPrefix, "dev", "eth0"));
    runner.run(cmd);
  }

  void awaitAddress(int host, String address, Duration within, NetnsLab.LabProcess... logs) {
    await(address + " on host " + host, within, () -> hasAddress(host, address), logs);
  }

  void awaitLog(NetnsLab.LabProcess p, String text, Duration within) {
    await(
        "'" + text + "' in " + p.log().getFileName(),
        within,
        () -> {
          if (p.output().contains(text)) {
            return true;
          }
          if (!p.process().isAlive()) {
            throw new IllegalStateException(
                "exited with status "
                    + p.process().exitValue()
                    + " before '"
                    + text
                    + "':\n"
                    + tail(p));
          }
          return false;
        },
        p);
  }

  static void await(
      String what,
      Duration within,
      java.util.concurrent.Callable<Boolean> condition,
      NetnsLab.LabProcess... logs) {
    try {
      Awaitility.await(what)
          .atMost(within)
          .pollInterval(Duration.ofMillis(10))
          .pollDelay(Duration.ZERO)
          .until(condition);
    } catch (ConditionTimeoutException e) {
      StringBuilder b = new StringBuilder(e.getMessage());
      for (NetnsLab.LabProcess p : logs) {
        b.append("\n--- ").append(p.log().getFileName()).append(" ---\n").append(tail(p));
      }
      throw new IllegalStateException(b.toString(), e);
    }
  }

  /** The last 40 lines a process wrote. */
  static String tail(NetnsLab.LabProcess p) {
    List<String> lines = p.output().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  @Override
  public void close() {
    lab.close();
  }
}
