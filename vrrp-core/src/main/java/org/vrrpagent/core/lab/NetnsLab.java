package org.vrrpagent.core.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.vrrpagent.core.linux.CommandRunner;
import org.vrrpagent.core.linux.NetworkNamespace;

/**
 * A small Ethernet in network namespaces: a "switch" namespace holding a bridge, and N host
 * namespaces, each with {@code eth0} plugged into the bridge by a veth pair and the addresses
 * 198.18.0.(10+i)/24 and fd00:198:18::(10+i)/64 (host i counts from 1). IPv6 duplicate address
 * detection is off in the hosts, so addresses (link-local included) are usable at once; multicast
 * snooping is off on the bridge, so 224.0.0.18 and ff02::12 reach every host.
 *
 * <p>Every name carries a per-run prefix (a stem, "va" for tests, then 4 random hex digits), so
 * several runs can share a machine. {@link #close()} kills the processes started here (by PID, with
 * their children and anything else left inside our namespaces) and deletes the namespaces, which
 * removes the veths and the bridge; a JVM shutdown hook does the same if close is never reached.
 * Needs root (CAP_SYS_ADMIN + CAP_NET_ADMIN) and iproute2. If the lab cannot be built, {@link
 * #create} throws: lab tests fail loudly rather than skip, unless {@code -Dvrrp.skipLab=true} (see
 * {@link #skipRequested()}).
 *
 * <p>Routed topologies: {@link #addLink} joins two hosts by a point-to-point veth, {@link
 * #enableForwarding} makes a host a router, {@link #addRoute} points a host at it.
 *
 * <p>Running our own Java code inside a host: {@link #inNamespace} runs a callable on a fresh
 * thread that first enters the host's namespace with {@code setns(2)}. Sockets opened there (our
 * raw VRRP transport, a packet socket, a JDK DatagramSocket) stay in that namespace for their whole
 * life, whatever thread uses them later. Threads started from inside the callable inherit the
 * namespace, so do not let a shared pool (ForkJoinPool.commonPool, virtual-thread carriers) start
 * its first worker there.
 */
public final class NetnsLab implements AutoCloseable {
  /** Time limit for each setup command and for {@link #exec}. */
  public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

  /** Time limit for a host's IPv6 link-local address to be usable. */
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

  /** Time limit for one {@link #inNamespace} call. */
  public static final Duration IN_NAMESPACE_TIMEOUT = Duration.ofSeconds(60);

  /** How many hosts a lab may have (addresses .11 to .60). */
  public static final int MAX_HOSTS = 50;

  /** How many random prefixes {@link #create} tries before giving up. */
  static final int PREFIX_ATTEMPTS = 5;

  /** The tests' prefix stem. */
  public static final String TEST_STEM = "va";

  /**
   * The longest stem: stem + 4 hex digits + "p" + host number stays within 15 characters
   * (IFNAMSIZ).
   */
  public static final int MAX_STEM_LENGTH = 8;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String prefix;
  private final int hostCount;
  private final CommandRunner runner = new CommandRunner(COMMAND_TIMEOUT, 4 << 20);
  private final List<String> namespaces = Collections.synchronizedList(new ArrayList<>());
  private final List<LabProcess> processes = Collections.synchronizedList(new ArrayList<>());
  private final Map<Integer, Impairment> impairments = new HashMap<>();
  private final Map<Integer, NfQueueRelay> relays = new HashMap<>();
  private final Path workDir;
  private final Thread shutdownHook;
  private boolean closed;

  /** A process started in a host: the {@link Process} and the file its stdout and stderr go to. */
  public record LabProcess(Process process, Path log) {
    public long pid() {
      return process.pid();
    }

    /** Everything it wrote so far. */
    public String output() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(cannot read " + log + ": " + e.getMessage() + ")";
      }
    }
  }

  /** Whether lab tests were explicitly switched off with {@code -Dvrrp.skipLab=true}. */
  public static boolean skipRequested() {
    return Boolean.getBoolean("vrrp.skipLab");
  }

  /**
   * Builds the switch and {@code hosts} hosts.
   *
   * @throws IllegalStateException naming the failing command when the lab cannot be built (not
   *     root, no iproute2, no namespaces); whatever was built is torn down first
   */
  public static NetnsLab create(int hosts) {
    return create(TEST_STEM, hosts);
  }

  /**
   * Builds the switch and {@code hosts} hosts, every name starting with {@code stem} and 4 random
   * hex digits ({@code vdemo3f9c-h1}); a prefix another run uses is not taken.
   */
  public static NetnsLab create(String stem, int hosts) {
    if (!stem.matches("[a-z][a-z0-9]{0," + (MAX_STEM_LENGTH - 1) + "}")) {
      throw new IllegalArgumentException(
          "stem \""
              + stem
              + "\" (expected: 1.."
              + MAX_STEM_LENGTH
              + " lower-case letters and digits, starting with a letter)");
    }
    if (hosts < 1 || hosts > MAX_HOSTS) {
      throw new IllegalArgumentException("hosts " + hosts + " (expected: 1.." + MAX_HOSTS + ")");
    }
    for (int attempt = 1; ; attempt++) {
      String prefix = stem + HexFormat.of().toHexDigits((short) RANDOM.nextInt());
      if (new CommandRunner().run(List.of("ip", "netns", "list")).stdout().contains(prefix + "-")) {
        if (attempt < PREFIX_ATTEMPTS) {
          continue; // another run (or a killed one's leftovers) uses this prefix
        }
        throw new IllegalStateException(
            "no free lab prefix after " + PREFIX_ATTEMPTS + " attempts");
      }
      NetnsLab lab = new NetnsLab(prefix, hosts);
      try {
        lab.build();
        return lab;
      } catch (RuntimeException | Error e) {
        lab.close();
        throw e;
      }
    }
  }

  private NetnsLab(String prefix, int hostCount) {
    this.prefix = prefix;
    this.hostCount = hostCount;
    try {
      this.workDir = Files.createTempDirectory(prefix + "-lab");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.shutdownHook = new Thread(this::closeAtExit, prefix + "-lab-teardown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  private void build() {
    String sw = switchNamespace();
    addNamespace(sw);
    ip("-n", sw, "link", "add", "br0", "type", "bridge", "stp_state", "0", "mcast_snooping", "0");
    ip("-n", sw, "link", "set", "lo", "up");
    ip("-n", sw, "link", "set", "br0", "up");
    for (int i = 1; i <= hostCount; i++) {
      String ns = namespace(i);
      addNamespace(ns);
      // DAD off before eth0 exists, so eth0 inherits it: addresses are usable at once.
      check(
          List.of(
              "ip",
              "netns",
              "exec",
              ns,
              "sysctl",
              "-q",
              "-w",
              "net.ipv6.conf.all.accept_dad=0",
              "net.ipv6.conf.default.accept_dad=0"));
      String port = prefix + "p" + i;
      ip("-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
      ip("-n", sw, "link", "set", port, "master", "br0", "up");
      ip("-n", ns, "link", "set", "lo", "up");
      ip("-n", ns, "addr", "add", ipv4(i).getHostAddress() + "/24", "dev", "eth0");
      ip("-n", ns, "addr", "add", ipv6(i).getHostAddress() + "/64", "dev", "eth0", "nodad");
      ip("-n", ns, "link", "set", "eth0", "up");
    }
    for (int i = 1; i <= hostCount; i++) {
      awaitLinkLocal(i);
    }
  }

  /**
   * Waits (at most {@link #READY_TIMEOUT}) until host {@code i}'s link-local address is there and
   * not tentative.
   */
  private void awaitLinkLocal(int host) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String out = "";
    while (System.nanoTime() - deadline < 0) {
      out =
          ip("-n", namespace(host), "-6", "addr", "show", "dev", "eth0", "scope", "link").stdout();
      if (out.contains("fe80:") && !out.contains("tentative")) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + namespace(host) + " eth0", e);
      }
    }
    throw new IllegalStateException(
        "lab "
            + prefix
            + ": no usable IPv6 link-local address on "
            + namespace(host)
            + " eth0 within "
            + READY_TIMEOUT
            + ": "
            + out.strip());
  }

  private void addNamespace(String name) {
    ip("netns", "add", name);
    namespaces.add(name);
  }

  /** The per-run name prefix, e.g. {@code va3f9c}. */
  public String prefix() {
    return prefix;
  }

  public int hostCount() {
    return hostCount;
  }

  /** The namespace of host {@code i} (1-based). */
  public String namespace(int host) {
    checkHost(host);
    return prefix + "-h" + host;
  }

  /** The namespace holding the bridge {@code br0}. */
  public String switchNamespace() {
    return prefix + "-sw";
  }

  /** 198.18.0.(10+i). */
  public Inet4Address ipv4(int host) {
    checkHost(host);
    return (Inet4Address) InetAddress.ofLiteral("198.18.0." + (10 + host));
  }

  /** fd00:198:18::(10+i). */
  public Inet6Address ipv6(int host) {
    checkHost(host);
    return (Inet6Address) InetAddress.ofLiteral("fd00:198:18::" + (10 + host));
  }

  /** The MAC address of host {@code i}'s eth0, e.g. {@code 9a:45:72:50:50:0a}. */
  public String mac(int host) {
    String out = ip("-n", namespace(host), "-br", "link", "show", "dev", "eth0").stdout().strip();
    String[] fields = out.split("\\s+");
    if (fields.length < 3) {
      throw new IllegalStateException("cannot read the MAC of " + namespace(host) + ": " + out);
    }
    return fields[2];
  }

  /** {@code [ip, -n, NAMESPACE]}: the iproute2 command for host {@code i}. */
  public List<String> ipCommand(int host) {
    return List.of("ip", "-n", namespace(host));
  }

  /**
   * A point-to-point link between two hosts, for routed topologies: a veth pair {@code ifA} in host
   * {@code a} and {@code ifB} in host {@code b}, both up, each with its address ({@code
   * 198.18.1.1/24}; 198.18.0.0/16 or fd00:198:18::/48 only). Removed with the namespaces.
   */
  public void addLink(int a, String ifA, String cidrA, int b, String ifB, String cidrB) {
    requireLabAddress(cidrA);
    requireLabAddress(cidrB);
    ip(
        "-n",
        namespace(a),
        "link",
        "add",
        ifA,
        "type",
        "veth",
        "peer",
        "name",
        ifB,
        "netns",
        namespace(b));
    ip("-n", namespace(a), "addr", "add", cidrA, "dev", ifA, "nodad");
    ip("-n", namespace(b), "addr", "add", cidrB, "dev", ifB, "nodad");
    ip("-n", namespace(a), "link", "set", ifA, "up");
    ip("-n", namespace(b), "link", "set", ifB, "up");
  }

  /**
   * Makes host {@code router} forward IPv4 and IPv6 between its links (each hop decrements the TTL
   * / hop limit, as a real router does).
   */
  public void enableForwarding(int router) {
    check(
        List.of(
            "ip",
            "netns",
            "exec",
            namespace(router),
            "sysctl",
            "-q",
            "-w",
            "net.ipv4.ip_forward=1",
            "net.ipv6.conf.all.forwarding=1"));
  }

  /** A route in host {@code host}: {@code prefix} (a lab prefix) via {@code gateway}. */
  public void addRoute(int host, String prefix, String gateway) {
    requireLabAddress(prefix);
    requireLabAddress(gateway);
    ip("-n", namespace(host), "route", "add", prefix, "via", gateway);
  }

  private static void requireLabAddress(String cidr) {
    String a = cidr.contains("/") ? cidr.substring(0, cidr.indexOf('/')) : cidr;
    if (!(a.startsWith("198.18.") || a.startsWith("fd00:198:18:"))) {
      throw new IllegalArgumentException(
          cidr + " (expected: an address in 198.18.0.0/16 or fd00:198:18::/48, the lab's ranges)");
    }
  }

  /** A directory for this run's configs, pid files and logs; deleted by {@link #close()}. */
  public Path workDir() {
    return workDir;
  }

  /** Runs {@code argv} in host {@code i} and waits for it (at most {@link #COMMAND_TIMEOUT}). */
  public CommandRunner.Result exec(int host, String... argv) {
    return runner.run(inHost(host, argv));
  }

  /** Like {@link #exec} but fails with the command's stderr unless it exits 0. */
  public String execChecked(int host, String... argv) {
    return check(inHost(host, argv)).stdout();
  }

  /** Starts {@code argv} in host {@code i}; {@link #close()} kills it and its children. */
  public LabProcess start(int host, String... argv) {
    Path log =
        workDir.resolve(
            namespace(host)
                + "-"
                + processes.size()
                + "-"
                + Path.of(argv[0]).getFileName()
                + ".log");
    try {
      Process p =
          new ProcessBuilder(inHost(host, argv))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      LabProcess lp = new LabProcess(p, log);
      processes.add(lp);
      return lp;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start " + String.join(" ", argv) + " in " + namespace(host), e);
    }
  }

  /** Stops a started process (SIGKILL to it and its children, by PID) and waits for it. */
  public void kill(LabProcess p) {
    List<ProcessHandle> tree = new ArrayList<>(p.process().descendants().toList());
    tree.forEach(ProcessHandle::destroyForcibly);
    p.process().destroyForcibly();
    tree.add(p.process().toHandle());
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        System.err.println(
            prefix + " lab: process " + h.pid() + " did not exit after SIGKILL: " + e);
      }
    }
  }

  /**
   * Runs {@code action} on a new platform thread that first enters host {@code i}'s network
   * namespace, and returns its result. Sockets it opens live in that namespace.
   */
  public <T> T inNamespace(int host, Callable<T> action) {
    Path nsFile = Path.of("/var/run/netns", namespace(host));
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofPlatform()
        .name(namespace(host) + "-opener")
        .daemon(true)
        .start(
            () -> {
              try {
                NetworkNamespace.enter(nsFile);
                result.complete(action.call());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    try {
      return result.get(IN_NAMESPACE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("in " + namespace(host) + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "in " + namespace(host) + ": did not finish within " + IN_NAMESPACE_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Runs {@code action} in host {@code i}'s namespace. */
  public void inNamespaceRun(int host, Runnable action) {
    inNamespace(
        host,
        () -> {
          action.run();
          return null;
        });
  }

  // ------------------------------------------------------------------ impairment

  /** The nftables table {@link #impair} adds in a host for loss and duplication. */
  static final String IMPAIR_TABLE = "vlabimp";

  /** The nfnetlink_queue number {@link #impair} uses in a host (queues are per namespace). */
  static final int IMPAIR_QUEUE = 1;

  /** At most this many packets wait in a host's delay queue; more pass at once (fail open). */
  public static final int IMPAIR_MAX_PENDING = 4096;

  /** Marks the second copies {@link #impair} makes, so that they are not duplicated again. */
  private static final String DUP_MARK = "0x7a1";

  /** What a host's delay relay has done so far. */
  public record DelayStats(
      long queued, long released, long overflowed, long errors, String lastError) {}

  /**
   * Impairs everything host {@code i} sends on its eth0, as {@code netem} would (see {@link
   * Impairment} for how): replaces any impairment it had. The rules live only in the host's
   * namespace; {@link #clearImpairment} and {@link #close()} remove them.
   *
   * @throws IllegalStateException naming the failing command or kernel call (then nothing of it is
   *     left in place)
   */
  public synchronized void impair(int host, Impairment impairment) {
    checkHost(host);
    clearImpairment(host);
    if (impairment.equals(Impairment.none())) {
      return;
    }
    impairments.put(host, impairment);
    try {
      if (impairment.delays()) {
        NfQueueRelay relay =
            inNamespace(
                host,
                () ->
                    NfQueueRelay.start(
                        IMPAIR_QUEUE,
                        impairment.delay(),
                        impairment.jitter(),
                        IMPAIR_MAX_PENDING,
                        RANDOM.nextLong(),
                        namespace(host) + "-delay"));
        relays.put(host, relay);
        for (String tool : List.of("iptables", "ip6tables")) {
          execChecked(host, queueRule(tool, "-A"));
        }
      }
      if (impairment.dropsOrDuplicates()) {
        StringBuilder rules = new StringBuilder();
        rules
            .append("table netdev ")
            .append(IMPAIR_TABLE)
            .append(" {\n  chain egress {\n")
            .append("    type filter hook egress device \"eth0\" priority 0; policy accept;\n")
            .append("    meta mark ")
            .append(DUP_MARK)
            .append(" accept\n");
        if (impairment.lossPercent() > 0) {
          rules.append("    ").append(chance(impairment.lossPercent())).append("counter drop\n");
        }
        if (impairment.duplicatePercent() > 0) {
          rules
              .append("    ")
              .append(chance(impairment.duplicatePercent()))
              .append("meta mark set ")
              .append(DUP_MARK)
              .append(" counter dup to \"eth0\"\n");
        }
        rules.append("  }\n}\n");
        Path file = workDir.resolve(namespace(host) + "-impair.nft");
        try {
          Files.writeString(file, rules, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        execChecked(host, "nft", "-f", file.toString());
      }
    } catch (RuntimeException | Error e) {
      clearImpairment(host);
      throw e;
    }
  }

  /**
   * The nftables condition for "with probability {@code percent}%": none at 100 (nft refuses {@code
   * numgen random mod 100 < 100}: the value is out of the 0..99 range).
   */
  private static String chance(int percent) {
    return percent >= 100 ? "" : "numgen random mod 100 < " + percent + " ";
  }

  /** Removes host {@code i}'s impairment, if any; packets held for delay are let go, not lost. */
  public synchronized void clearImpairment(int host) {
    checkHost(host);
    if (impairments.remove(host) == null) {
      return;
    }
    List<String> failures = new ArrayList<>();
    CommandRunner.Result r = exec(host, "nft", "list", "tables", "netdev");
    if (r.succeeded() && r.stdout().contains(IMPAIR_TABLE)) {
      CommandRunner.Result d = exec(host, "nft", "delete", "table", "netdev", IMPAIR_TABLE);
      if (!d.succeeded()) {
        failures.add(d.describeFailure());
      }
    }
    if (relays.containsKey(host)) {
      for (String tool : List.of("iptables", "ip6tables")) {
        // -C first: a rule that was never added (a failed impair) is not an error here.
        if (exec(host, queueRule(tool, "-C")).succeeded()) {
          CommandRunner.Result d = exec(host, queueRule(tool, "-D"));
          if (!d.succeeded()) {
            failures.add(d.describeFailure());
          }
        }
      }
      stopRelay(host);
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(
          "lab "
              + prefix
              + ": cannot remove the impairment of "
              + namespace(host)
              + ": "
              + failures);
    }
  }

  /**
   * What host {@code i}'s impairment did so far: frames dropped and duplicated (the nftables rules'
   * counters) and packets delayed (queued to the relay); zeros when it has none.
   */
  public record ImpairmentStats(long dropped, long duplicated, long delayed) {}

  public synchronized ImpairmentStats impairmentStats(int host) {
    Impairment imp = impairment(host);
    long dropped = 0;
    long duplicated = 0;
    if (imp.dropsOrDuplicates()) {
      String table = execChecked(host, "nft", "list", "table", "netdev", IMPAIR_TABLE);
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("counter packets (\\d+) bytes \\d+ (drop|meta|dup)")
              .matcher(table);
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        if (m.group(2).equals("drop")) {
          dropped += n;
        } else {
          duplicated += n;
        }
      }
    }
    NfQueueRelay r = relays.get(host);
    return new ImpairmentStats(dropped, duplicated, r == null ? 0 : r.queued());
  }

  /** Host {@code i}'s impairment ({@link Impairment#none()} when it has none). */
  public synchronized Impairment impairment(int host) {
    checkHost(host);
    return impairments.getOrDefault(host, Impairment.none());
  }

  /** What host {@code i}'s delay relay has done, or empty when it delays nothing. */
  public synchronized java.util.Optional<DelayStats> delayStats(int host) {
    NfQueueRelay r = relays.get(host);
    if (r == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new DelayStats(r.queued(), r.released(), r.overflowed(), r.errors(), r.lastError()));
  }

  private static String[] queueRule(String tool, String op) {
    return new String[] {
      tool,
      "-w",
      "5",
      op,
      "OUTPUT",
      "-o",
      "eth0",
      "-j",
      "NFQUEUE",
      "--queue-num",
      Integer.toString(IMPAIR_QUEUE),
      "--queue-bypass"
    };
  }

  private void stopRelay(int host) {
    NfQueueRelay r = relays.remove(host);
    if (r != null) {
      r.close();
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    tearDown();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook ran or will find nothing left
    }
  }

  /** The shutdown hook: as {@link #close()} (unless the lab was closed or kept). */
  private synchronized void closeAtExit() {
    if (!closed) {
      closed = true;
      tearDown();
    }
  }

  /**
   * Leaves the lab up: its namespaces, processes and work directory outlive this JVM (no shutdown
   * hook any more, and {@link #close()} does nothing). Removing it is then up to the caller, by
   * name ({@link #namespacesWithStem}, {@code ip netns del}).
   */
  public synchronized void keep() {
    closed = true;
    processes.clear();
    namespaces.clear();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // shutting down: the hook sees closed and does nothing
    }
  }

  /** The namespaces now present whose names start with {@code stem}, 4 hex digits and "-". */
  public static List<String> namespacesWithStem(String stem) {
    java.util.regex.Pattern ours =
        java.util.regex.Pattern.compile(
            java.util.regex.Pattern.quote(stem) + "[0-9a-f]{4}-(sw|h[0-9]+)");
    return new CommandRunner()
        .run(List.of("ip", "netns", "list"))
        .stdout()
        .lines()
        .map(l -> l.strip().split("\\s+")[0])
        .filter(n -> ours.matcher(n).matches())
        .toList();
  }

  /**
   * Removes one namespace that a lab made and left behind (a run killed with SIGKILL, or kept):
   * kills the processes inside it by PID, then deletes it.
   *
   * @return the PIDs killed
   */
  public static List<Long> removeNamespace(String ns) {
    CommandRunner runner = new CommandRunner(COMMAND_TIMEOUT, 4 << 20);
    List<Long> killed = killProcessesIn(runner, ns, "leftover");
    CommandRunner.Result r = runner.run(List.of("ip", "netns", "del", ns));
    if (!r.succeeded()) {
      throw new IllegalStateException("cannot delete namespace " + ns + ": " + r.describeFailure());
    }
    return killed;
  }

  private void tearDown() {
    synchronized (this) {
      for (int host : List.copyOf(relays.keySet())) {
        stopRelay(host);
      }
      impairments.clear();
    }
    List<LabProcess> started;
    synchronized (processes) {
      started = List.copyOf(processes);
    }
    for (LabProcess p : started) {
      kill(p);
    }
    processes.clear();
    List<String> ours;
    synchronized (namespaces) {
      ours = List.copyOf(namespaces);
    }
    for (String ns : ours.reversed()) {
      killLeftoversIn(ns);
      try {
        runner.run(List.of("ip", "netns", "del", ns));
      } catch (RuntimeException e) {
        System.err.println(prefix + " lab: cannot delete namespace " + ns + ": " + e.getMessage());
      }
    }
    namespaces.clear();
    deleteWorkDir();
  }

  /**
   * Processes still inside one of our namespaces (e.g. a daemon's forked child): ours, killed by
   * PID.
   */
  private void killLeftoversIn(String ns) {
    killProcessesIn(runner, ns, prefix + " lab");
  }

  private static List<Long> killProcessesIn(CommandRunner runner, String ns, String who) {
    List<Long> killed = new ArrayList<>();
    try {
      CommandRunner.Result r = runner.run(List.of("ip", "netns", "pids", ns));
      for (String line : r.stdout().lines().toList()) {
        try {
          long pid = Long.parseLong(line.strip());
          if (pid != ProcessHandle.current().pid()) {
            ProcessHandle.of(pid)
                .ifPresent(
                    h -> {
                      h.destroyForcibly();
                      killed.add(pid);
                    });
          }
        } catch (NumberFormatException ignored) {
          // not a pid line
        }
      }
    } catch (RuntimeException e) {
      System.err.println(who + ": cannot list processes in " + ns + ": " + e.getMessage());
    }
    return killed;
  }

  private void deleteWorkDir() {
    try (Stream<Path> walk = Files.walk(workDir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory
    }
  }

  private List<String> inHost(int host, String... argv) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    cmd.addAll(List.of(argv));
    return cmd;
  }

  private CommandRunner.Result ip(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("ip");
    cmd.addAll(List.of(args));
    return check(cmd);
  }

  private CommandRunner.Result check(List<String> cmd) {
    CommandRunner.Result r = runner.run(cmd);
    if (!r.succeeded()) {
      throw new IllegalStateException("lab " + prefix + ": " + r.describeFailure());
    }
    return r;
  }

  private void checkHost(int host) {
    if (host < 1 || host > hostCount) {
      throw new IllegalArgumentException("host " + host + " (expected: 1.." + hostCount + ")");
    }
  }
}
