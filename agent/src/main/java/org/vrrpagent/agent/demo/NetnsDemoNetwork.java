package org.vrrpagent.agent.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.vrrpagent.agent.cli.UnixHttpExchange;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo on a real network: a {@link NetnsLab} with three hosts on one bridge (198.18.0.0/24
 * only, names starting with {@value #STEM}), a real {@code vrrp-agent run} process in each host
 * (raw sockets, real addresses on eth0, the same JVM and class path as this one), and in each host
 * a JDK HTTP server on 127.0.0.1:8080 that the agent's {@code http} check asks. The agents' state
 * comes from their control API (a unix socket each); whether a host holds the address comes from
 * the kernel ({@code ip addr}).
 */
public final class NetnsDemoNetwork implements DemoNetwork {
  /** Every name the demo creates starts with this and 4 hex digits: {@code vdemo3f9c-h1}. */
  public static final String STEM = "vdemo";

  /** The file in the lab's work directory that names the demo process owning the lab. */
  static final String OWNER_FILE = "demo.pid";

  static final int SERVICE_PORT = DemoConfig.SERVICE_PORT;
  static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(10), 1 << 20);
  private final Map<String, HttpServer> services = new LinkedHashMap<>();
  private final Map<String, NetnsLab.LabProcess> agents = new LinkedHashMap<>();
  private NetnsLab lab;
  private Path orderFile;

  /** Why the real lab cannot run here (not Linux, not root, no iproute2), or null when it can. */
  public static String unavailableReason() {
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return "this is " + os + ", and the real lab needs Linux network namespaces";
    }
    long uid = uid();
    if (uid != 0) {
      return "not root (uid "
          + (uid < 0 ? "unknown" : Long.toString(uid))
          + "), and the real lab needs network "
          + "namespaces and raw sockets (sudo runs it)";
    }
    if (Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")
        .noneMatch(p -> Files.isExecutable(Path.of(p)))) {
      return "iproute2's ip command is not installed, and the real lab is built with it";
    }
    return null;
  }

  private static long uid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return -1;
  }

  @Override
  public String describe() {
    return "a real failover in a network-namespace lab (3 hosts on one bridge, 198.18.0.0/24, "
        + "real vrrp-agent processes)";
  }

  @Override
  public boolean simulated() {
    return false;
  }

  /** The lab's prefix ({@code vdemo3f9c}), once built. */
  public String prefix() {
    return lab.prefix();
  }

  @Override
  public void build() {
    lab = NetnsLab.create(STEM, HOSTS.size());
    write(OWNER_FILE, ProcessHandle.current().pid() + "\n");
    orderFile = lab.workDir().resolve("priority-order");
    writeOrder(HOSTS);
    for (String h : HOSTS) {
      startService(h);
    }
  }

  @Override
  public String built() {
    String p = lab.prefix();
    return "Lab "
        + p
        + ": hosts "
        + p
        + "-h1, -h2, -h3 (198.18.0.11-13 on eth0), a bridge in "
        + p
        + "-sw; work directory "
        + lab.workDir()
        + ".";
  }

  @Override
  public void startAgents() {
    for (String h : HOSTS) {
      Path config = write(h + ".yaml", DemoConfig.yaml(h, orderFile, socket(h)));
      List<String> argv = new ArrayList<>(agentCommand());
      // Its own state file in the lab: the default (/run/vrrp-agent/state.json) belongs to the
      // machine's own agent, and three agents sharing one would refuse each other.
      argv.addAll(
          List.of("run", "--config", config.toString(), "--state-file", stateFile(h).toString()));
      agents.put(h, lab.start(host(h), argv.toArray(String[]::new)));
    }
  }

  /**
   * How to start an agent: this JVM's java, its JVM options (the launcher's daemon settings)
   * without the ones that must not be shared (an AOT cache being written, agents, debuggers), and
   * its class path.
   */
  static List<String> agentCommand() {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    boolean nativeAccess = false;
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-XX:AOTCache")
          || arg.startsWith("-Xlog:aot")
          || arg.startsWith("-agentlib")
          || arg.startsWith("-javaagent")
          || arg.startsWith("-Xrunjdwp")
          || arg.startsWith("-Djava.class.path")) {
        continue;
      }
      nativeAccess |= arg.startsWith("--enable-native-access");
      cmd.add(arg);
    }
    if (!nativeAccess) {
      cmd.add("--enable-native-access=ALL-UNNAMED");
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "org.vrrpagent.agent.cli.VrrpAgentCommand"));
    return cmd;
  }

  @Override
  public void stopService(String host) {
    HttpServer s = services.remove(host);
    if (s != null) {
      s.stop(0);
    }
  }

  @Override
  public void startService(String host) {
    if (services.containsKey(host)) {
      return;
    }
    // The listening socket is opened on a thread inside the host's namespace, so it belongs to
    // that host for its whole life; the server's own thread is started from here (docs/lab.md).
    HttpServer server =
        lab.inNamespace(
            host(host),
            () -> {
              HttpServer s =
                  HttpServer.create(
                      new InetSocketAddress(InetAddress.getLoopbackAddress(), SERVICE_PORT), 16);
              byte[] body = ("hello from " + host + "\n").getBytes(StandardCharsets.UTF_8);
              s.createContext(
                  "/",
                  exchange -> {
                    exchange.sendResponseHeaders(200, body.length);
                    try (var os = exchange.getResponseBody()) {
                      os.write(body);
                    }
                  });
              return s;
            });
    server.start();
    services.put(host, server);
  }

  @Override
  public void writeOrder(List<String> hosts) {
    // Write, then rename over the file: as editors and configuration management do.
    Path tmp =
        write(
            "priority-order.tmp",
            "# vrrp-agent demo: first preferred\n" + String.join("\n", hosts) + "\n");
    try {
      Files.move(
          tmp, orderFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void demote(String host) {
    control(host, "POST", "/instances/" + INSTANCE + "/demote?to-backup");
  }

  @Override
  public void promote(String host) {
    control(host, "POST", "/instances/" + INSTANCE + "/promote");
  }

  private String control(String host, String method, String path) {
    try {
      UnixHttpExchange.Response r =
          UnixHttpExchange.send(socket(host), method, path, STATUS_TIMEOUT);
      if (r.status() / 100 != 2) {
        throw new IllegalStateException(
            host + ": " + method + " " + path + ": HTTP " + r.status() + " " + r.body().strip());
      }
      return r.body();
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException(host + ": " + method + " " + path + ": " + e, e);
    }
  }

  @Override
  public List<HostView> view() {
    List<HostView> view = new ArrayList<>();
    for (String h : HOSTS) {
      boolean holds = holds(h);
      NetnsLab.LabProcess agent = agents.get(h);
      if (agent == null) {
        view.add(new HostView(h, "-", -1, "agent not started", holds));
        continue;
      }
      if (!agent.process().isAlive()) {
        view.add(
            new HostView(
                h, "exited", -1, "agent exited with status " + agent.process().exitValue(), holds));
        continue;
      }
      JsonNode status;
      try {
        UnixHttpExchange.Response r =
            UnixHttpExchange.send(socket(h), "GET", "/status", STATUS_TIMEOUT);
        status = JSON.readTree(r.body());
      } catch (IOException | TimeoutException | JacksonException e) {
        view.add(new HostView(h, "starting", -1, "control API not answering yet", holds));
        continue;
      }
      JsonNode instance = null;
      for (JsonNode i : status.path("instances")) {
        if (INSTANCE.equals(i.path("name").asString(""))) {
          instance = i;
        }
      }
      if (instance == null) {
        view.add(new HostView(h, "?", -1, "no instance " + INSTANCE + " in /status", holds));
        continue;
      }
      view.add(
          new HostView(
              h,
              instance.path("state").asString("?"),
              instance.path("effectivePriority").asInt(-1),
              why(instance),
              holds));
    }
    return view;
  }

  /**
   * The priority's reasons from /status, on one line, with the lab's file paths shortened to their
   * names.
   */
  static String why(JsonNode instance) {
    List<String> parts = new ArrayList<>();
    for (JsonNode r : instance.path("priorityReasons")) {
      parts.add(r.path("source").asString("").replaceAll("/(?:[^\\s/,]+/)+", ""));
    }
    if (instance.hasNonNull("demotion") && parts.stream().noneMatch(p -> p.contains("operator"))) {
      parts.add("operator: " + instance.get("demotion").asString());
    }
    if (instance.hasNonNull("faultReason")) {
      parts.add("FAULT: " + instance.get("faultReason").asString());
    }
    return String.join(", ", parts);
  }

  private boolean holds(String host) {
    CommandRunner.Result r =
        runner.run(
            List.of(
                "ip", "-n", lab.namespace(host(host)), "-o", "-4", "addr", "show", "dev", "eth0"));
    return r.stdout().contains(" " + ADDRESS + "/");
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public String diagnostics() {
    StringBuilder b = new StringBuilder();
    for (var e : agents.entrySet()) {
      List<String> lines = e.getValue().output().lines().toList();
      b.append("--- agent ").append(e.getKey()).append(", last lines of its log ---\n");
      lines
          .subList(Math.max(0, lines.size() - 15), lines.size())
          .forEach(l -> b.append(l).append('\n'));
    }
    return b.toString();
  }

  @Override
  public String finish(boolean keep) {
    if (lab == null) {
      return "";
    }
    if (!keep) {
      String prefix = lab.prefix();
      close();
      return "Lab removed: namespaces "
          + prefix
          + "-*, "
          + agents.size()
          + " agents, "
          + HOSTS.size()
          + " web servers.";
    }
    // The web servers run in this JVM and end with it: hand each host over to a web server process.
    String java = ProcessHandle.current().info().command().orElse("java");
    for (String h : HOSTS) {
      if (services.containsKey(h)) {
        stopService(h);
        Path root = lab.workDir().resolve("www-" + h);
        try {
          Files.createDirectories(root);
          Files.writeString(root.resolve("index.html"), "hello from " + h + "\n");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        lab.start(
            host(h),
            java,
            "-Xmx32m",
            "-XX:TieredStopAtLevel=1",
            "-m",
            "jdk.httpserver",
            "-b",
            "127.0.0.1",
            "-p",
            Integer.toString(SERVICE_PORT),
            "-d",
            root.toString());
      }
    }
    lab.keep();
    String p = lab.prefix();
    String launcher = "bin/vrrp-agent";
    return """
        The lab stays up (--keep). Look around:
          ip netns list | grep %1$s
          ip netns exec %1$s-h1 %2$s status          # likewise %1$s-h2, %1$s-h3
          ip -n %1$s-h2 -4 addr show dev eth0            # who holds %3$s
          ip netns exec %1$s-h3 tcpdump -ni eth0 'ip proto 112 or arp'
          configs, the priority-order file, the agents' logs and state files: %4$s
          (each host's web server now runs as a process: java -m jdk.httpserver)
        Remove it:
          %2$s demo --clean
        """
        .formatted(p, launcher, ADDRESS, lab.workDir());
  }

  @Override
  public void close() {
    for (String h : List.copyOf(services.keySet())) {
      stopService(h);
    }
    if (lab != null) {
      lab.close();
    }
  }

  /**
   * {@code vrrp-agent demo --clean}: removes what demos left behind (killed with SIGKILL, or run
   * with {@code --keep}): every namespace named {@value #STEM}XXXX-…, the processes inside them (by
   * PID) and the lab's work directory. A lab whose demo is still running is left alone.
   *
   * @return what was done, one line each
   */
  public static List<String> clean() {
    List<String> done = new ArrayList<>();
    Map<String, List<String>> byPrefix = new LinkedHashMap<>();
    for (String ns : NetnsLab.namespacesWithStem(STEM)) {
      byPrefix.computeIfAbsent(ns.substring(0, ns.indexOf('-')), k -> new ArrayList<>()).add(ns);
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    for (var e : byPrefix.entrySet()) {
      String prefix = e.getKey();
      List<Path> workDirs = workDirs(tmp, prefix);
      Long owner =
          workDirs.stream()
              .map(NetnsDemoNetwork::owner)
              .filter(pid -> pid != null)
              .findFirst()
              .orElse(null);
      if (owner != null
          && owner != ProcessHandle.current().pid()
          && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
        done.add(prefix + ": left alone, its demo is still running (PID " + owner + ")");
        continue;
      }
      int killed = 0;
      for (String ns : e.getValue()) {
        killed += NetnsLab.removeNamespace(ns).size();
      }
      for (Path dir : workDirs) {
        deleteTree(dir);
      }
      done.add(
          prefix
              + ": removed namespaces "
              + String.join(", ", e.getValue())
              + " ("
              + killed
              + " processes stopped)"
              + (workDirs.isEmpty() ? "" : " and " + workDirs.getFirst()));
    }
    return done;
  }

  private static List<Path> workDirs(Path tmp, String prefix) {
    try (Stream<Path> list = Files.list(tmp)) {
      return list.filter(
              p -> p.getFileName().toString().startsWith(prefix + "-lab") && Files.isDirectory(p))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Long owner(Path workDir) {
    try {
      return Long.parseLong(Files.readString(workDir.resolve(OWNER_FILE)).strip());
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }

  private Path write(String name, String text) {
    Path file = lab.workDir().resolve(name);
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private Path stateFile(String host) {
    return lab.workDir().resolve(host + "-state.json");
  }

  private Path socket(String host) {
    return lab.workDir().resolve(host + ".sock");
  }

  private static int host(String name) {
    return HOSTS.indexOf(name) + 1;
  }
}
