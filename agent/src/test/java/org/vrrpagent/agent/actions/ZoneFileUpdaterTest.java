package org.vrrpagent.agent.actions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.config.ActionsConfig.On;
import org.vrrpagent.agent.config.ActionsConfig.ZoneFile;
import org.vrrpagent.agent.notify.ActionEvent.Result;
import org.vrrpagent.base.ProcessGroupRunner;

/**
 * The zone-file action on real files with real reload commands (no DNS server: the verify step is
 * covered by the nsd lab test): atomic rewrite keeping mode, backup, restore byte for byte when the
 * reload fails, nothing done when nothing changes, and a lock that serialises two writers.
 */
class ZoneFileUpdaterTest {
  @TempDir Path dir;
  private final ProcessGroupRunner runner = new ProcessGroupRunner("zone-reload", 4);
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);

  @AfterEach
  void close() {
    runner.close(Duration.ofSeconds(2), Duration.ofMillis(100));
  }

  private Path zone() throws Exception {
    Path z = dir.resolve("example.org.zone");
    Files.writeString(z, ZoneRewriterTest.ZONE, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(z, PosixFilePermissions.fromString("rw-r-----"));
    return z;
  }

  private ZoneFile action(Path z, List<String> reload) {
    return new ZoneFile(
        z,
        ZoneRewriterTest.M,
        reload,
        Duration.ofSeconds(5),
        Optional.empty(),
        Set.of(On.MASTER, On.BACKUP));
  }

  @Test
  void rewritesAtomicallyKeepsTheModeAndABackupAndReloads() throws Exception {
    Path z = zone();
    Path reloaded = dir.resolve("reloaded");
    ZoneFileUpdater.Outcome o =
        new ZoneFileUpdater(runner, clock)
            .apply(
                action(z, List.of("/usr/bin/touch", reloaded.toString())),
                ZoneRewriterTest.NS2_MASTER);
    assertThat(o.result()).as(o.detail()).isEqualTo(Result.CHANGED);
    assertThat(o.detail()).contains("serial 2026112001 -> 2026112700");
    assertThat(Files.readString(z)).contains("www     60 IN A     203.0.113.20");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(z)))
        .isEqualTo("rw-r-----");
    assertThat(Files.readString(ZoneFileUpdater.backupPath(z))).isEqualTo(ZoneRewriterTest.ZONE);
    assertThat(reloaded).exists();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")))
          .isEmpty();
    }
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFifoOrANonUtf8FileIsRefusedNothingWrittenNothingReloaded() throws Exception {
    Path reloaded = dir.resolve("reloaded");
    Path fifo = dir.resolve("fifo.zone");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
    ZoneFileUpdater.Outcome o =
        new ZoneFileUpdater(runner, clock)
            .apply(
                action(fifo, List.of("/usr/bin/touch", reloaded.toString())),
                ZoneRewriterTest.NS2_MASTER);
    assertThat(o.result()).isEqualTo(Result.FAILED);
    assertThat(o.detail())
        .isEqualTo(
            fifo
                + " is not a regular file (expected: a zone file, not a FIFO or device); nothing"
                + " changed");

    Path z = zone();
    byte[] bad = (ZoneRewriterTest.ZONE + "; caf\u00e9").getBytes(StandardCharsets.ISO_8859_1);
    Files.write(z, bad);
    o =
        new ZoneFileUpdater(runner, clock)
            .apply(
                action(z, List.of("/usr/bin/touch", reloaded.toString())),
                ZoneRewriterTest.NS2_MASTER);
    assertThat(o.result()).isEqualTo(Result.FAILED);
    assertThat(o.detail())
        .isEqualTo(
            z
                + " is not UTF-8 text (malformed byte at offset "
                + (bad.length - 1)
                + "; expected: a zone file); nothing changed");
    assertThat(Files.readAllBytes(z)).isEqualTo(bad);
    assertThat(reloaded).doesNotExist();
    assertThat(ZoneFileUpdater.backupPath(z)).doesNotExist();
  }

  @Test
  void aSymbolicLinkStaysAndTheFileItNamesIsRewritten() throws Exception {
    Path z = zone();
    Path link = dir.resolve("link.zone");
    Files.createSymbolicLink(link, z.getFileName());
    ZoneFileUpdater.Outcome o =
        new ZoneFileUpdater(runner, clock)
            .apply(action(link, List.of("/bin/true")), ZoneRewriterTest.NS2_MASTER);
    assertThat(o.result()).as(o.detail()).isEqualTo(Result.CHANGED);
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(z)).contains("www     60 IN A     203.0.113.20");
  }

  @Test
  void nothingIsWrittenOrReloadedWhenTheRecordsAreRight() throws Exception {
    Path z = zone();
    Path reloaded = dir.resolve("reloaded");
    long modified = Files.getLastModifiedTime(z).toMillis();
    ZoneFileUpdater.Outcome o =
        new ZoneFileUpdater(runner, clock)
            .apply(
                action(z, List.of("/usr/bin/touch", reloaded.toString())),
                ZoneRewriterTest.NS1_MASTER);
    assertThat(o.result()).isEqualTo(Result.UNCHANGED);
    assertThat(reloaded).doesNotExist();
    assertThat(Files.getLastModifiedTime(z).toMillis()).isEqualTo(modified);
    assertThat(ZoneFileUpdater.backupPath(z)).doesNotExist();
  }

  @Test
  void aFailingReloadRestoresTheOriginalByteForByteAndReloadsAgain() throws Exception {
    Path z = zone();
    byte[] before = Files.readAllBytes(z);
    Path count = dir.resolve("count");
    // appends a line per run, then fails
    Path script = dir.resolve("reload.sh");
    Files.writeString(
        script, "#!/bin/sh\necho run >> " + count + "\necho 'zone broken' \nexit 3\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    ZoneFileUpdater.Outcome o =
        new ZoneFileUpdater(runner, clock)
            .apply(action(z, List.of(script.toString())), ZoneRewriterTest.NS2_MASTER);
    assertThat(o.result()).isEqualTo(Result.RESTORED);
    assertThat(o.detail()).contains("exited with 3").contains("zone broken").contains("restored");
    assertThat(Files.readAllBytes(z)).isEqualTo(before);
    assertThat(Files.readAllLines(count))
        .hasSize(2); // the failed reload, then the one after restore
  }

  @Test
  void aReloadThatHangsIsKilledAtItsTimeLimitAndTheOriginalRestored() throws Exception {
    Path z = zone();
    byte[] before = Files.readAllBytes(z);
    ZoneFile a =
        new ZoneFile(
            z,
            ZoneRewriterTest.M,
            List.of("/bin/sleep", "30"),
            Duration.ofMillis(300),
            Optional.empty(),
            Set.of(On.MASTER));
    long start = System.nanoTime();
    ZoneFileUpdater.Outcome o =
        new ZoneFileUpdater(runner, clock).apply(a, ZoneRewriterTest.NS2_MASTER);
    assertThat(o.result()).isEqualTo(Result.RESTORED);
    assertThat(o.detail()).contains("timed out");
    assertThat(Files.readAllBytes(z)).isEqualTo(before);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void twoWritersNeverInterleave() throws Exception {
    Path z = zone();
    Path log = dir.resolve("log");
    Path script = dir.resolve("reload.sh");
    // a reload that takes a while and records its start and end
    Files.writeString(
        script, "#!/bin/sh\necho start >> " + log + "\nsleep 0.3\necho end >> " + log + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    ZoneFileUpdater u = new ZoneFileUpdater(runner, clock);
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<ZoneFileUpdater.Outcome> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                go.await();
                return u.apply(action(z, List.of(script.toString())), ZoneRewriterTest.NS2_MASTER);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    CompletableFuture<ZoneFileUpdater.Outcome> second =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                go.await();
                return u.apply(action(z, List.of(script.toString())), ZoneRewriterTest.NS1_MASTER);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    go.countDown();
    assertThat(first.get().result()).isEqualTo(Result.CHANGED);
    assertThat(second.get().result()).isEqualTo(Result.CHANGED);
    assertThat(Files.readAllLines(log)).containsExactly("start", "end", "start", "end");
  }
}
