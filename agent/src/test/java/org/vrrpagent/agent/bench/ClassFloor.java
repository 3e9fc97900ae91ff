package org.vrrpagent.agent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory floor of the daemon's classes alone: a JVM that does nothing but load (not initialise,
 * so no thread, socket or object graph of the daemon's) every class a running daemon loaded, as
 * {@code -Xlog:class+load} listed them, then prints its RSS. Started with the launcher's JVM
 * options and class path, it shows how much of the daemon's resident memory the JVM and its classes
 * take before the daemon does anything:
 *
 * <pre>
 * java $LAUNCHER_OPTIONS -cp agent/target/test-classes:$(ls agent/target/lib/*.jar | paste -sd:) \
 *   org.vrrpagent.agent.bench.ClassFloor CLASS_LOAD_LOG [SECONDS]
 * </pre>
 *
 * With no class-load log it measures the empty JVM. It loads no native library and opens nothing:
 * safe outside a lab.
 */
final class ClassFloor {
  private static final Pattern LOADED = Pattern.compile("\\[class,load\\s*\\] (\\S+) source: (.*)");

  private ClassFloor() {}

  public static void main(String[] args) throws IOException {
    print("empty JVM");
    if (args.length > 0) {
      int loaded = 0;
      int missing = 0;
      ClassLoader loader = ClassFloor.class.getClassLoader();
      for (String line : Files.readAllLines(Path.of(args[0]))) {
        Matcher m = LOADED.matcher(line);
        if (!m.find() || m.group(2).startsWith("__")) {
          continue; // hidden classes (lambdas, method handles): made at run time, not loadable
        }
        try {
          Class.forName(m.group(1), false, loader);
          loaded++;
        } catch (ClassNotFoundException | LinkageError e) {
          missing++;
        }
      }
      System.gc();
      print(String.format(Locale.ROOT, "%d classes loaded (%d not found)", loaded, missing));
    }
    long seconds = args.length > 1 ? Long.parseLong(args[1]) : 0;
    LockSupport.parkNanos(seconds * 1_000_000_000L); // time for jcmd, if wanted
  }

  private static void print(String stage) throws IOException {
    List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
    System.out.printf(
        Locale.ROOT,
        "%s: VmRSS %.1f MiB, RssAnon %.1f MiB, RssFile %.1f MiB%n",
        stage,
        kib(status, "VmRSS") / 1024.0,
        kib(status, "RssAnon") / 1024.0,
        kib(status, "RssFile") / 1024.0);
  }

  private static long kib(List<String> status, String key) {
    return status.stream()
        .filter(l -> l.startsWith(key + ":"))
        .map(l -> Long.parseLong(l.replaceAll("\\D+", "")))
        .findFirst()
        .orElse(0L);
  }
}
