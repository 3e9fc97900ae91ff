package org.vrrpagent.agent.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * Where the daemon's bytes go: the {@link ResolverProfile} daemon, alone on the link (so master),
 * started by bin/vrrp-agent (or from {@code java} with {@code -Dbench.jvm="..."}) plus {@code
 * -XX:NativeMemoryTracking=summary}. After it has been master for {@code -Dbench.settle} (default
 * 30 s) and answered three {@code vrrp-agent status} calls over its unix socket, {@code jcmd} reads
 * its Native Memory Tracking summary, its class histogram and its thread list, and /proc its RSS.
 * Prints Markdown tables for docs/benchmarks.md. NMT itself costs a little memory (its own line).
 */
final class MemoryBench {
  private final PrintStream out;
  private final Duration settle;

  MemoryBench(Duration settle, PrintStream out) {
    this.settle = settle;
    this.out = out;
  }

  void run() {
    try (BenchLab lab = new BenchLab(2)) {
      FootprintBench.startUnbound(lab);
      List<String> options = new ArrayList<>(jvmOptions(lab));
      options.add("-XX:NativeMemoryTracking=summary");
      String extra =
          System.getProperty("bench.extra", "").strip(); // more JVM options, comma-separated
      if (!extra.isEmpty()) {
        options.addAll(List.of(extra.split(",")));
      }
      Path socket = lab.workFile("control.sock");
      NetnsLab.LabProcess daemon = start(lab, ResolverProfile.yaml(socket), options);
      lab.awaitLog(daemon, ResolverProfile.masterLine(false), BenchLab.ELECTION);
      LockSupport.parkNanos(settle.toNanos()); // a benchmark's settling time, not a test's wait
      for (int i = 0; i < 3; i++) {
        Cli.run(lab, "status", "--control", "unix:" + socket);
      }
      long pid = daemon.pid();
      long[] rss = FootprintBench.rssKiB(pid);
      String nmt = jcmd(pid, "VM.native_memory", "summary");
      String histogram = jcmd(pid, "GC.class_histogram");
      String threads = jcmd(pid, "Thread.print");
      out.printf(
          Locale.ROOT,
          "== options: %s%s%n",
          String.join(" ", options),
          System.getProperty("bench.env", "").isBlank()
              ? ""
              : " (environment: " + System.getProperty("bench.env") + ")");
      out.printf(
          Locale.ROOT,
          "started by %s%n",
          System.getProperty("bench.jvm") != null
              ? "java"
              : "bin/vrrp-agent, AOT cache "
                  + System.getProperty("bench.aot", "as the launcher decides"));
      out.printf(
          Locale.ROOT,
          "RSS %.1f MiB (private %.1f MiB) after %s as master%n%n",
          rss[0] / 1024.0,
          rss[1] / 1024.0,
          settle);
      printNmt(nmt);
      printHistogram(histogram);
      printThreads(threads);
      if (Boolean.getBoolean("bench.raw")) {
        out.println(nmt);
        out.println(histogram);
        out.println(threads);
      }
      lab.terminate(daemon);
    }
  }

  /**
   * The daemon through bin/vrrp-agent (its options, and its AOT cache unless {@code
   * -Dbench.aot=off}), NMT added by {@code VRRP_AGENT_JAVA_OPTS}; or, with {@code -Dbench.jvm=...},
   * from {@code java} with those options instead of the launcher's. {@code -Dbench.env="K=V ..."}
   * adds to its environment (e.g. {@code MALLOC_ARENA_MAX=2}).
   */
  static NetnsLab.LabProcess start(BenchLab lab, String yaml, List<String> options) {
    List<String> env = new ArrayList<>();
    String extra = System.getProperty("bench.env", "").strip();
    if (!extra.isEmpty()) {
      env.addAll(List.of(extra.split("\\s+")));
    }
    if (System.getProperty("bench.jvm") != null) {
      return lab.javaAgent(1, yaml, options, env);
    }
    env.add(
        "VRRP_AGENT_JAVA_OPTS="
            + String.join(" ", options.subList(lab.launcherJvmOptions().size(), options.size())));
    if ("off".equals(System.getProperty("bench.aot"))) {
      env.add("VRRP_AGENT_AOT_CACHE=off");
    }
    return lab.launcherAgent(1, yaml, env);
  }

  static List<String> jvmOptions(BenchLab lab) {
    String jvm = System.getProperty("bench.jvm");
    return jvm == null ? lab.launcherJvmOptions() : List.of(jvm.strip().split("[\\s,]+"));
  }

  static String jcmd(long pid, String... command) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    argv.add(Long.toString(pid));
    argv.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      byte[] bytes = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(
            "jcmd " + String.join(" ", command) + " failed: " + new String(bytes));
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // -  Java Heap (reserved=98304KB, committed=16384KB)
  private static final Pattern NMT_LINE =
      Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB");
  private static final Pattern NMT_TOTAL =
      Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
  //  (  Metadata:   reserved=..., committed=...) and (  Class space:...)
  private static final Pattern NMT_SUB =
      Pattern.compile(
          "^\\s+\\(\\s*(Metadata|Class space):\\s+reserved=(\\d+)KB, committed=(\\d+)KB");
  private static final Pattern NMT_THREADS = Pattern.compile("^\\s+\\(threads? #(\\d+)\\)");

  void printNmt(String nmt) {
    out.println("| NMT category | reserved MiB | committed MiB |");
    out.println("|---|---:|---:|");
    String category = null;
    for (String line : nmt.lines().toList()) {
      Matcher t = NMT_TOTAL.matcher(line);
      if (t.find()) {
        out.printf(Locale.ROOT, "| **total** | %.1f | %.1f |%n", mib(t.group(1)), mib(t.group(2)));
        continue;
      }
      Matcher m = NMT_LINE.matcher(line);
      if (m.find()) {
        category = m.group(1).strip();
        if (Long.parseLong(m.group(3)) >= 64) {
          out.printf(
              Locale.ROOT, "| %s | %.1f | %.1f |%n", category, mib(m.group(2)), mib(m.group(3)));
        }
        continue;
      }
      Matcher s = NMT_SUB.matcher(line);
      if (s.find()) {
        out.printf(
            Locale.ROOT,
            "| %s: %s | %.1f | %.1f |%n",
            category,
            s.group(1),
            mib(s.group(2)),
            mib(s.group(3)));
        continue;
      }
      Matcher th = NMT_THREADS.matcher(line);
      if (th.find() && "Thread".equals(category)) {
        out.printf(Locale.ROOT, "| Thread: count | %s | |%n", th.group(1));
      }
    }
    out.println();
  }

  //    1:          1234        5678  java.lang.String (java.base@25)
  private static final Pattern HISTO = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

  /** The live heap by library: the histogram's classes grouped by package prefix. */
  void printHistogram(String histogram) {
    Map<String, long[]> byLibrary = new TreeMap<>();
    long total = 0;
    for (String line : histogram.lines().toList()) {
      Matcher m = HISTO.matcher(line);
      if (m.find()) {
        long bytes = Long.parseLong(m.group(2));
        total += bytes;
        long[] v = byLibrary.computeIfAbsent(library(m.group(3)), k -> new long[2]);
        v[0] += Long.parseLong(m.group(1));
        v[1] += bytes;
      }
    }
    out.printf(
        Locale.ROOT,
        "Class histogram (objects on the heap, after the full GC jcmd runs): %.1f MiB%n%n",
        total / 1048576.0);
    out.println("| library (by the object's class) | objects | MiB |");
    out.println("|---|---:|---:|");
    byLibrary.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
        .forEach(
            e ->
                out.printf(
                    Locale.ROOT,
                    "| %s | %d | %.2f |%n",
                    e.getKey(),
                    e.getValue()[0],
                    e.getValue()[1] / 1048576.0));
    out.println();
  }

  private static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

  static {
    LIBRARIES.put("io.netty.", "netty");
    LIBRARIES.put("io.micrometer.", "micrometer");
    LIBRARIES.put("io.prometheus.", "prometheus client");
    LIBRARIES.put("org.HdrHistogram.", "HdrHistogram");
    LIBRARIES.put("tools.jackson.", "jackson");
    LIBRARIES.put("org.snakeyaml.", "snakeyaml");
    LIBRARIES.put("org.xbill.", "dnsjava");
    LIBRARIES.put("jakarta.", "jakarta mail/activation");
    LIBRARIES.put("org.eclipse.angus.", "angus mail");
    LIBRARIES.put("picocli.", "picocli");
    LIBRARIES.put("ch.qos.logback.", "logback");
    LIBRARIES.put("org.slf4j.", "slf4j");
    LIBRARIES.put("org.vrrpagent.", "vrrp-agent");
  }

  static String library(String className) {
    String name = className.startsWith("[L") ? className.substring(2) : className;
    for (Map.Entry<String, String> e : LIBRARIES.entrySet()) {
      if (name.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    if (className.startsWith("[") && !className.startsWith("[L")) {
      return "primitive arrays (byte[] holds strings and buffers)";
    }
    return "JDK (java.*, jdk.*, sun.*)";
  }

  private static final Pattern THREAD = Pattern.compile("^\"([^\"]+)\"");

  void printThreads(String dump) {
    Map<String, Integer> groups = new TreeMap<>();
    for (String line : dump.lines().toList()) {
      Matcher m = THREAD.matcher(line);
      if (m.find()) {
        String name = m.group(1).replaceAll("[-#]?\\d+$", "-N").replaceAll("\\d+", "N");
        groups.merge(name, 1, Integer::sum);
      }
    }
    out.println("| threads (by name) | count |");
    out.println("|---|---:|");
    groups.forEach((k, v) -> out.printf(Locale.ROOT, "| %s | %d |%n", k, v));
    out.println();
  }

  private static double mib(String kib) {
    return Long.parseLong(kib) / 1024.0;
  }

  /** The CLI client as operators run it (a plain java process: it only talks to the socket). */
  static final class Cli {
    private Cli() {}

    /** Runs {@code vrrp-agent ARGS} with the launcher's options; returns milliseconds exec→exit. */
    static double run(BenchLab lab, String... args) {
      List<String> argv = new ArrayList<>();
      argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      argv.addAll(lab.launcherJvmOptions());
      argv.addAll(
          List.of(
              "--enable-native-access=ALL-UNNAMED",
              "-cp",
              lab.agentClasspath(),
              "org.vrrpagent.agent.cli.VrrpAgentCommand"));
      argv.addAll(List.of(args));
      long t = System.nanoTime();
      try {
        Process p =
            new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("vrrp-agent " + String.join(" ", args) + " hung");
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(
              "vrrp-agent " + String.join(" ", args) + ": exit " + p.exitValue());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return (System.nanoTime() - t) / 1e6;
    }
  }
}
