package org.vrrpagent.checks.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import org.vrrpagent.checks.FileProbeSpec;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;

/**
 * The {@code file} probe (keepalived track_file): the first integer in the file. Re-read only when
 * the file's inode, size or modification time changed; otherwise the previous value is returned.
 * Missing or empty → 0.
 */
final class FileProbe implements Probe {
  private final FileProbeSpec spec;
  private final ExecutorService virtualThreads;
  private Object lastKey; // (fileKey, size, mtime) of the last read
  private ProbeResult lastResult;

  FileProbe(FileProbeSpec spec, ExecutorService virtualThreads) {
    this.spec = spec;
    this.virtualThreads = virtualThreads;
  }

  @Override
  public CompletionStage<ProbeResult> run(Duration timeout) {
    return CompletableFuture.supplyAsync(this::read, virtualThreads);
  }

  private synchronized ProbeResult read() {
    long start = System.nanoTime();
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(spec.path(), BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      lastKey = null;
      return ProbeResult.up("file " + spec.path() + ": missing, value 0", System.nanoTime() - start)
          .withFileValue(0)
          .withWarning("file " + spec.path() + " is missing (read as 0)");
    } catch (IOException e) {
      lastKey = null;
      return ProbeResult.down(
          "file " + spec.path() + ": " + e.getMessage(), System.nanoTime() - start);
    }
    if (!attrs.isRegularFile()) {
      // A FIFO would block the read until someone writes, and the next run would queue behind it.
      lastKey = null;
      return ProbeResult.down(
          "file " + spec.path() + ": not a regular file (expected: a file holding an integer)",
          System.nanoTime() - start);
    }
    Object key =
        java.util.List.of(
            Objects.toString(attrs.fileKey()), attrs.size(), attrs.lastModifiedTime());
    if (key.equals(lastKey) && lastResult != null) {
      return lastResult.withLatencyNanos(System.nanoTime() - start);
    }
    String text;
    try (InputStream in = Files.newInputStream(spec.path())) {
      text = new String(in.readNBytes(FileProbeSpec.MAX_FILE_BYTES), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      lastKey = null;
      return ProbeResult.down(
          "file " + spec.path() + ": " + e.getMessage(), System.nanoTime() - start);
    }
    ProbeResult r = parse(text, System.nanoTime() - start);
    lastKey = key;
    lastResult = r;
    return r;
  }

  private ProbeResult parse(String text, long latency) {
    String first = text.strip().split("\\s+", 2)[0];
    if (first.isEmpty()) {
      return ProbeResult.up("file " + spec.path() + ": empty, value 0", latency).withFileValue(0);
    }
    int value;
    try {
      value = Integer.parseInt(first);
    } catch (NumberFormatException e) {
      return ProbeResult.down(
          "file " + spec.path() + ": \"" + first + "\" (expected: an integer)", latency);
    }
    String reason = "file " + spec.path() + ": value " + value;
    return (value == 0 ? ProbeResult.up(reason, latency) : ProbeResult.down(reason, latency))
        .withFileValue(value);
  }
}
