package org.vrrpagent.agent.priority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.priority.PriorityOrderState.Status;

/** The watcher on the real file system (inotify), with the ways operators edit the file. */
class PriorityOrderWatcherTest {
  private static final Duration BOUND = Duration.ofSeconds(5);
  @TempDir Path dir;
  private Path file;
  private ScheduledExecutorService executor;
  private PriorityOrderReloader reloader;
  private PriorityOrderWatcher watcher;

  @BeforeEach
  void start() throws Exception {
    file = dir.resolve("priority.testdns");
    Files.writeString(file, "recdns-cnh\nrecdns-sby\n");
    executor = Executors.newSingleThreadScheduledExecutor();
    reloader = new PriorityOrderReloader(file, DelayScheduler.of(executor), s -> {});
    watcher = PriorityOrderWatcher.start(reloader);
    assertThat(reloader.state().order())
        .contains(new PriorityOrder(List.of("recdns-cnh", "recdns-sby")));
  }

  @AfterEach
  void stop() throws Exception {
    watcher.close();
    executor.shutdownNow();
    assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  private void awaitOrder(String... hosts) {
    await()
        .atMost(BOUND)
        .until(
            () ->
                reloader
                    .state()
                    .order()
                    .map(PriorityOrder::hosts)
                    .orElse(List.of())
                    .equals(List.of(hosts)));
  }

  @Test
  void aFifoInPlaceOfTheFileIsRefusedWithoutBlockingAndAFileRenamedOverItIsRead() throws Exception {
    Files.delete(file);
    Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).start();
    assertThat(mkfifo.waitFor(5, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
    await().atMost(BOUND).until(() -> reloader.state().status() == Status.INVALID);
    assertThat(reloader.state().error()).hasValueSatisfying(e -> assertThat(e).contains("a FIFO"));
    assertThat(reloader.state().order())
        .as("the last good order stays")
        .contains(new PriorityOrder(List.of("recdns-cnh", "recdns-sby")));
    long start = System.nanoTime();
    assertThat(reloader.loadNow().status())
        .isEqualTo(Status.INVALID); // a direct read does not block either
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

    Path temp = dir.resolve(".priority.testdns.new");
    Files.writeString(temp, "recdns-sby\nrecdns-cnh\n");
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    awaitOrder("recdns-sby", "recdns-cnh");
    assertThat(reloader.state().status()).isEqualTo(Status.OK);
  }

  @Test
  void anEditorsTempFileRenamedOverIsSeen() throws Exception {
    Path temp = dir.resolve(".priority.testdns.swp");
    Files.writeString(temp, "recdns-sby\nrecdns-cnh\n");
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    awaitOrder("recdns-sby", "recdns-cnh");
    assertThat(reloader.state().status()).isEqualTo(Status.OK);
  }

  @Test
  void sedInPlaceIsSeen() throws Exception {
    Process sed =
        new ProcessBuilder("sed", "-i", "s/^recdns-cnh$/#recdns-cnh/", file.toString())
            .inheritIO()
            .start();
    try {
      assertThat(sed.waitFor(10, TimeUnit.SECONDS)).as("sed finished").isTrue();
    } finally {
      sed.destroyForcibly();
    }
    assertThat(sed.exitValue()).isZero();
    awaitOrder("recdns-sby");
  }

  @Test
  void anInPlaceRewriteIsSeen() throws Exception {
    Files.writeString(file, "recdns-wcdc\n");
    awaitOrder("recdns-wcdc");
  }

  @Test
  void garbageKeepsTheOrderAndDeletionLeavesEveryoneUnlisted() throws Exception {
    Files.write(file, new byte[] {'x', 0, 1, 2, '\n'});
    await().atMost(BOUND).until(() -> reloader.state().status() == Status.INVALID);
    assertThat(reloader.state().order())
        .contains(new PriorityOrder(List.of("recdns-cnh", "recdns-sby")));
    assertThat(reloader.state().error())
        .contains("line 1: binary data (byte 0x00) (expected: text, one host name per line)");

    Files.delete(file);
    await().atMost(BOUND).until(() -> reloader.state().status() == Status.MISSING);
    assertThat(reloader.state().order()).isEmpty();

    Files.writeString(file, "recdns-sby\n");
    awaitOrder("recdns-sby");
  }

  @Test
  void otherFilesInTheDirectoryDoNotCauseReads() throws Exception {
    long reads = reloader.state().reloads();
    Files.writeString(dir.resolve("unrelated"), "x");
    Files.writeString(file, "recdns-cnh\n"); // a marker change after the unrelated one
    awaitOrder("recdns-cnh");
    assertThat(reloader.state().reloads()).isEqualTo(reads + 1);
  }

  @Test
  void aDirectoryRemovedAndRecreatedIsWatchedAgain() throws Exception {
    Files.delete(file);
    Files.delete(dir);
    await().atMost(BOUND).until(() -> reloader.state().status() == Status.MISSING);
    Files.createDirectory(dir);
    Files.writeString(file, "recdns-wcdc\n");
    awaitOrder("recdns-wcdc");
    Files.writeString(file, "recdns-sby\n"); // and later changes are still seen
    awaitOrder("recdns-sby");
  }
}
