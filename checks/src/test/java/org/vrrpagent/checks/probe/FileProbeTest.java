package org.vrrpagent.checks.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.checks.FileProbeSpec;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;

/** The file probe (keepalived track_file) on real files. */
class FileProbeTest {
  @RegisterExtension static final ProbeRuns probes = new ProbeRuns();

  static ProbeResult run(Probe p) throws Exception {
    return ProbeRuns.run(p, Duration.ofSeconds(1));
  }

  @Test
  void valueIsReadAndZeroIsUp(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("weight");
    Probe p = probes.create(new FileProbeSpec(f));
    ProbeResult missing = run(p);
    assertThat(missing.fileValue()).isEqualTo(OptionalInt.of(0));
    assertThat(missing.isUp()).isTrue();
    assertThat(missing.warning()).isEqualTo("file " + f + " is missing (read as 0)");

    Files.writeString(f, "0\n");
    assertThat(run(p).fileValue()).isEqualTo(OptionalInt.of(0));
    Files.writeString(f, "-254\n");
    ProbeResult fault = run(p);
    assertThat(fault.fileValue()).isEqualTo(OptionalInt.of(-254));
    assertThat(fault.isUp()).isFalse();
    assertThat(fault.reason()).isEqualTo("file " + f + ": value -254");
    Files.writeString(f, "12 trailing words\n");
    assertThat(run(p).fileValue()).isEqualTo(OptionalInt.of(12));
    Files.writeString(f, "twelve");
    assertThat(run(p).reason()).isEqualTo("file " + f + ": \"twelve\" (expected: an integer)");
  }

  @Test
  void aFifoIsDownAtOnceNotWaitedOn(@TempDir Path tmp) throws Exception {
    Path fifo = tmp.resolve("weight");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
    Probe p = probes.create(new FileProbeSpec(fifo));
    for (int i = 0; i < 2; i++) { // the second run is not stuck behind the first
      ProbeResult r = run(p);
      assertThat(r.isUp()).isFalse();
      assertThat(r.reason())
          .isEqualTo("file " + fifo + ": not a regular file (expected: a file holding an integer)");
    }
  }

  @Test
  void unchangedFileIsNotReadAgainButAChangeIsSeen(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("weight");
    Files.writeString(f, "5");
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Files.setLastModifiedTime(f, FileTime.from(t));
    Probe p = probes.create(new FileProbeSpec(f));
    assertThat(run(p).fileValue()).isEqualTo(OptionalInt.of(5));
    // Same size and time, other content: the cached value proves no re-read happened.
    Files.writeString(f, "7");
    Files.setLastModifiedTime(f, FileTime.from(t));
    assertThat(run(p).fileValue()).isEqualTo(OptionalInt.of(5));
    Files.setLastModifiedTime(f, FileTime.from(t.plusSeconds(1)));
    assertThat(run(p).fileValue()).isEqualTo(OptionalInt.of(7));
  }

  @Test
  void aChangedFileIsReadAtOnceNotAtTheNextInterval(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("weight");
    Files.writeString(f, "3\n");
    try (var tasks = org.vrrpagent.checks.ExecutorTaskScheduler.singleThread();
        var scheduler =
            new org.vrrpagent.checks.CheckScheduler(
                org.vrrpagent.checks.Ticker.SYSTEM, tasks, 1, false);
        var trigger = new FileChangeTrigger(scheduler)) {
      FileProbeSpec spec = new FileProbeSpec(f);
      // an hour between runs: only the trigger can make the new value visible within the test
      scheduler.add(
          new org.vrrpagent.checks.CheckSpec(
              "maintenance", spec, Duration.ofHours(1), null, null, null, null),
          probes.create(spec));
      trigger.watch("maintenance", f);
      scheduler.start();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(scheduler) == 3);
      Files.writeString(f, "-254\n");
      org.awaitility.Awaitility.await("written value seen")
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(scheduler) == -254);
      Path tmpFile = tmp.resolve("weight.tmp");
      Files.writeString(tmpFile, "7\n");
      Files.move(
          tmpFile,
          f,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      org.awaitility.Awaitility.await("renamed-over value seen")
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(scheduler) == 7);
      Files.delete(f);
      org.awaitility.Awaitility.await("deleted file reads 0")
          .atMost(Duration.ofSeconds(5))
          .until(() -> value(scheduler) == 0);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3})
  void randomFileContentIsAValueOrADownResultNeverAnError(long seed, @TempDir Path tmp)
      throws Exception {
    // Seeded property: whatever bytes are in the file, the probe answers; an integer first word is
    // the value.
    java.util.Random random = new java.util.Random(seed);
    Path f = tmp.resolve("weight");
    Probe p = probes.create(new FileProbeSpec(f));
    String[] words = {
      "0",
      "-254",
      "253",
      "2147483647",
      "-2147483648",
      "2147483648",
      "1e3",
      "0x10",
      "+5",
      "--1",
      "",
      " ",
      "\n"
    };
    for (int i = 0; i < 300; i++) {
      byte[] content;
      if (random.nextBoolean()) {
        content = new byte[random.nextInt(300)];
        random.nextBytes(content);
      } else {
        content =
            (words[random.nextInt(words.length)] + (random.nextBoolean() ? "\n" : " extra"))
                .getBytes();
      }
      Files.write(f, content);
      Files.setLastModifiedTime(
          f, FileTime.fromMillis(1_000_000L * (i + 1))); // a new mtime: read again
      ProbeResult r = run(p);
      String text =
          new String(
                  java.util.Arrays.copyOf(
                      content, Math.min(content.length, FileProbeSpec.MAX_FILE_BYTES)),
                  java.nio.charset.StandardCharsets.US_ASCII)
              .strip();
      String first = text.split("\\s+", 2)[0];
      Integer expected = null;
      try {
        expected = first.isEmpty() ? 0 : Integer.parseInt(first);
      } catch (NumberFormatException e) {
        // not a value
      }
      if (expected == null) {
        assertThat(r.isUp()).as("seed=%d i=%d", seed, i).isFalse();
        assertThat(r.fileValue()).isEmpty();
      } else {
        assertThat(r.fileValue())
            .as("seed=%d i=%d %s", seed, i, first)
            .isEqualTo(OptionalInt.of(expected));
        assertThat(r.isUp()).isEqualTo(expected == 0);
      }
    }
  }

  private static int value(org.vrrpagent.checks.CheckScheduler scheduler) {
    return scheduler
        .status("maintenance")
        .flatMap(org.vrrpagent.checks.CheckStatus::lastResult)
        .map(r -> r.fileValue().orElse(Integer.MIN_VALUE))
        .orElse(Integer.MIN_VALUE);
  }
}
