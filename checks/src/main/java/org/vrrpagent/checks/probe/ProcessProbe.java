package org.vrrpagent.checks.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.ProcessProbeSpec;

/**
 * The {@code process} probe: walks {@code /proc} on a virtual thread; zombies do not count as
 * running.
 */
final class ProcessProbe implements Probe {
  private final ProcessProbeSpec spec;
  private final Pattern cmdline;
  private final ExecutorService virtualThreads;
  private final Path proc;

  ProcessProbe(ProcessProbeSpec spec, ExecutorService virtualThreads) {
    this(spec, virtualThreads, Path.of("/proc"));
  }

  ProcessProbe(ProcessProbeSpec spec, ExecutorService virtualThreads, Path proc) {
    this.spec = spec;
    this.cmdline = spec.cmdlinePattern();
    this.virtualThreads = virtualThreads;
    this.proc = proc;
  }

  @Override
  public CompletionStage<ProbeResult> run(Duration timeout) {
    return CompletableFuture.supplyAsync(
        () -> {
          long start = System.nanoTime();
          try {
            return spec.pidFile() != null ? byPidFile(start) : byScan(start);
          } catch (IOException | RuntimeException e) {
            return ProbeResult.down("reading /proc failed: " + e, System.nanoTime() - start);
          }
        },
        virtualThreads);
  }

  private ProbeResult byPidFile(long start) throws IOException {
    String content;
    try (InputStream in = Files.newInputStream(spec.pidFile())) {
      content =
          new String(in.readNBytes(ProcessProbeSpec.MAX_PID_FILE_BYTES), StandardCharsets.US_ASCII)
              .strip();
    } catch (NoSuchFileException e) {
      return ProbeResult.down(
          "pid file " + spec.pidFile() + ": missing", System.nanoTime() - start);
    }
    long pid;
    try {
      pid = Long.parseLong(content);
    } catch (NumberFormatException e) {
      return ProbeResult.down(
          "pid file " + spec.pidFile() + ": \"" + content + "\" (expected: a process id)",
          System.nanoTime() - start);
    }
    if (pid <= 0 || !alive(pid)) {
      return ProbeResult.down(
          "pid " + pid + " from " + spec.pidFile() + ": not running", System.nanoTime() - start);
    }
    return ProbeResult.up(
        "pid " + pid + " from " + spec.pidFile() + ": running", System.nanoTime() - start);
  }

  private ProbeResult byScan(long start) throws IOException {
    int found = 0;
    int scanned = 0;
    try (DirectoryStream<Path> dir =
        Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
      for (Path p : dir) {
        if (++scanned > ProcessProbeSpec.MAX_PROCESSES_SCANNED) {
          break;
        }
        if (matches(p) && alive(Long.parseLong(p.getFileName().toString()))) {
          found++;
        }
      }
    }
    String what =
        (spec.name() != null ? "named " + spec.name() : "")
            + (spec.name() != null && cmdline != null ? " and " : "")
            + (cmdline != null ? "with command line matching " + cmdline : "");
    long latency = System.nanoTime() - start;
    if (found >= spec.minCount()) {
      return ProbeResult.up(found + " process" + (found == 1 ? "" : "es") + " " + what, latency);
    }
    return ProbeResult.down(
        (found == 0 ? "no process " : found + " process" + (found == 1 ? " " : "es "))
            + what
            + " (expected: at least "
            + spec.minCount()
            + ")",
        latency);
  }

  private boolean matches(Path p) {
    try {
      if (spec.name() != null && !Files.readString(p.resolve("comm")).strip().equals(spec.name())) {
        return false;
      }
      if (cmdline != null) {
        byte[] raw;
        try (InputStream in = Files.newInputStream(p.resolve("cmdline"))) {
          raw = in.readNBytes(ProcessProbeSpec.MAX_CMDLINE_BYTES);
        }
        String line = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        return !line.isEmpty()
            && cmdline.matcher(line).find(); // kernel threads have no command line
      }
      return true;
    } catch (IOException e) {
      return false; // the process ended while we looked
    }
  }

  private boolean alive(long pid) {
    try {
      String stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean isPid(String name) {
    if (name.isEmpty() || name.length() > 10) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
