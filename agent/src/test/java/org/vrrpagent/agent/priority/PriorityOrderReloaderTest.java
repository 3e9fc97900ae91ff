package org.vrrpagent.agent.priority;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.priority.PriorityOrderState.Status;

/** Debounce and last-good-order rules in virtual time (the file is real, the clock is not). */
class PriorityOrderReloaderTest {
  @TempDir Path dir;
  private Path file;
  private final VirtualScheduler clock = new VirtualScheduler();
  private final List<PriorityOrderState> heard = new ArrayList<>();
  private PriorityOrderReloader reloader;

  @BeforeEach
  void setUp() throws Exception {
    file = dir.resolve("priority.testdns");
    Files.writeString(file, "a\nb\n");
    reloader =
        new PriorityOrderReloader(
            file, clock, heard::add, Duration.ofMillis(50), Duration.ofMillis(250));
    reloader.loadNow();
    heard.clear();
  }

  private static Duration ms(long n) {
    return Duration.ofMillis(n);
  }

  @Test
  void aBurstOfSignalsIsOneReadAfterTheQuietPeriod() throws Exception {
    Files.writeString(file, "b\na\n");
    long readsBefore = reloader.state().reloads();
    reloader.fileChanged();
    clock.advance(ms(10));
    reloader.fileChanged();
    clock.advance(ms(10));
    reloader.fileChanged(); // t = 20 ms: the last signal
    clock.advance(ms(49));
    assertThat(reloader.state().reloads())
        .as("nothing read before 50 ms of quiet")
        .isEqualTo(readsBefore);
    clock.advance(ms(1)); // t = 70 ms
    assertThat(reloader.state().reloads()).isEqualTo(readsBefore + 1);
    assertThat(reloader.state().order()).contains(new PriorityOrder(List.of("b", "a")));
    assertThat(heard).hasSize(1);
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void aNeverEndingBurstIsStillReadAtTheMaximumDelay() throws Exception {
    List<Long> readAt = new ArrayList<>();
    reloader =
        new PriorityOrderReloader(file, clock, s -> readAt.add(clock.nanoTime()), ms(50), ms(250));
    Files.writeString(file, "b\n");
    long start = clock.nanoTime();
    for (int i = 0; i < 20; i++) { // a signal every 30 ms for 600 ms: never 50 ms of quiet
      reloader.fileChanged();
      clock.advance(ms(30));
    }
    assertThat(readAt).isNotEmpty();
    assertThat(Duration.ofNanos(readAt.getFirst() - start)).isEqualTo(ms(250));
  }

  @Test
  void aMalformedFileKeepsTheLastGoodOrderAndSaysWhy() throws Exception {
    Files.writeString(file, "a\nb\na\n");
    reloader.fileChanged();
    clock.advance(ms(50));
    PriorityOrderState s = reloader.state();
    assertThat(s.status()).isEqualTo(Status.INVALID);
    assertThat(s.order()).contains(new PriorityOrder(List.of("a", "b")));
    assertThat(s.error())
        .contains("line 3: duplicate host a (expected: each host once; first on line 1)");
    assertThat(s.failures()).isEqualTo(1);
    assertThat(heard).containsExactly(s);
  }

  @Test
  void aMissingFileLeavesEveryoneUnlistedAndItsReturnIsSeen() throws Exception {
    Files.delete(file);
    reloader.fileChanged();
    clock.advance(ms(50));
    assertThat(reloader.state().status()).isEqualTo(Status.MISSING);
    assertThat(reloader.state().order()).isEmpty();
    assertThat(reloader.state().orderOrNull()).isNull();
    Files.writeString(file, "c\n");
    reloader.fileChanged();
    clock.advance(ms(50));
    assertThat(reloader.state().status()).isEqualTo(Status.OK);
    assertThat(reloader.state().order()).contains(new PriorityOrder(List.of("c")));
    assertThat(heard)
        .extracting(PriorityOrderState::status)
        .containsExactly(Status.MISSING, Status.OK);
  }

  @Test
  void anUnchangedFileIsNotReportedAgain() {
    reloader.fileChanged();
    clock.advance(ms(50));
    assertThat(reloader.state().reloads()).isEqualTo(2);
    assertThat(heard).isEmpty();
  }

  @Test
  void loadNowCancelsThePendingRead() throws Exception {
    reloader.fileChanged();
    Files.writeString(file, "z\n");
    reloader.loadNow();
    long reads = reloader.state().reloads();
    clock.advance(ms(500));
    assertThat(reloader.state().reloads()).isEqualTo(reads);
    assertThat(reloader.state().order()).contains(new PriorityOrder(List.of("z")));
    assertThat(reloader.state().error()).isEqualTo(Optional.empty());
  }
}
