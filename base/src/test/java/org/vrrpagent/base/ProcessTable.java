package org.vrrpagent.base;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Tests' reads of /proc: processes by command line or process group (zombies told apart), and a
 * process's threads and open descriptors. For tests of the process-group runs in every module.
 */
public final class ProcessTable {
  private ProcessTable() {}

  /**
   * A marker number for {@code sleep MARK}, unique to this JVM (its pid), so a test finds its own
   * processes.
   */
  public static String mark(int base) {
    return Long.toString(base + ProcessHandle.current().pid() % 99_999);
  }

  /** Live (not zombie) processes whose command line is exactly {@code argv}. */
  public static long running(String... argv) {
    String cmdline = String.join("\0", argv) + "\0";
    long n = 0;
    for (Path p : processes()) {
      try {
        if (Files.readString(p.resolve("cmdline")).equals(cmdline) && state(p) != 'Z') {
          n++;
        }
      } catch (IOException e) {
        // exited while we looked
      }
    }
    return n;
  }

  /** "pid state" of every process whose process group is {@code pgid}. */
  public static List<String> group(long pgid) {
    List<String> found = new ArrayList<>();
    for (Path p : processes()) {
      try {
        String stat = Files.readString(p.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (Long.parseLong(f[2]) == pgid) {
          found.add(p.getFileName() + " " + f[0]);
        }
      } catch (IOException gone) {
        // exited while we looked
      }
    }
    return found;
  }

  /** The number of threads of process {@code pid}. */
  public static int threads(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("Threads:")) {
          return Integer.parseInt(line.substring(8).strip());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no Threads: line for " + pid);
  }

  /** The number of open descriptors of process {@code pid}. */
  public static long descriptors(long pid) {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static char state(Path proc) throws IOException {
    String stat = Files.readString(proc.resolve("stat"));
    return stat.charAt(stat.lastIndexOf(')') + 2);
  }

  private static List<Path> processes() {
    try (Stream<Path> s = Files.list(Path.of("/proc"))) {
      return s.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
