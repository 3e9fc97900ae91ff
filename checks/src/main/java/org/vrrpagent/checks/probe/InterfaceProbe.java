package org.vrrpagent.checks.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import org.vrrpagent.checks.InterfaceProbeSpec;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;

/** The {@code interface} probe: {@code /sys/class/net/NAME/operstate} or {@code carrier}. */
final class InterfaceProbe implements Probe {
  private final InterfaceProbeSpec spec;
  private final ExecutorService virtualThreads;
  private final Path dir;

  InterfaceProbe(InterfaceProbeSpec spec, ExecutorService virtualThreads) {
    this.spec = spec;
    this.virtualThreads = virtualThreads;
    this.dir = Path.of("/sys/class/net", spec.name());
  }

  @Override
  public CompletionStage<ProbeResult> run(Duration timeout) {
    return CompletableFuture.supplyAsync(this::read, virtualThreads);
  }

  private ProbeResult read() {
    long start = System.nanoTime();
    String label = "interface " + spec.name();
    try {
      if (spec.source().equals("carrier")) {
        String carrier = readSmall("carrier");
        return "1".equals(carrier)
            ? ProbeResult.up(label + ": carrier", System.nanoTime() - start)
            : ProbeResult.down(label + ": no carrier", System.nanoTime() - start);
      }
      String state = readSmall("operstate");
      if (state.equals("up") || state.equals("unknown") && "1".equals(readSmall("carrier"))) {
        return ProbeResult.up(label + ": " + state, System.nanoTime() - start);
      }
      return ProbeResult.down(label + ": " + state + " (expected: up)", System.nanoTime() - start);
    } catch (NoSuchFileException e) {
      return ProbeResult.down(label + ": no such interface", System.nanoTime() - start);
    } catch (IOException e) {
      // reading carrier of an administratively down link fails with EINVAL
      return ProbeResult.down(label + ": down (" + e.getMessage() + ")", System.nanoTime() - start);
    }
  }

  private String readSmall(String file) throws IOException {
    byte[] raw;
    try (var in = Files.newInputStream(dir.resolve(file))) {
      raw = in.readNBytes(64);
    }
    return new String(raw, java.nio.charset.StandardCharsets.US_ASCII).strip();
  }
}
