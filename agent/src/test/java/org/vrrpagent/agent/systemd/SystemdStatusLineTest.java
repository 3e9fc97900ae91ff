package org.vrrpagent.agent.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.VrrpState;

/**
 * The STATUS= line leaves from its own thread: against a real AF_UNIX socket that stops reading
 * (its queue fills and {@code sendto} blocks), the engine's listener call still returns at once.
 */
class SystemdStatusLineTest {
  private static final long PID = 4242;

  @TempDir Path dir;

  @Test
  void aStateChangeBecomesOneStatusLine() throws Throwable {
    String path = dir.resolve("notify").toString();
    try (NotifySocket systemd = new NotifySocket(path, 5);
        SystemdStatusLine line =
            new SystemdStatusLine(SdNotify.from(Map.of("NOTIFY_SOCKET", path), PID))) {
      line.stateChanged(
          "dns0",
          new Action.StateChanged(
              VrrpState.BACKUP, VrrpState.MASTER, "master down timer expired", 200));
      assertThat(systemd.receive()).isEqualTo("STATUS=dns0: MASTER (prio 200)");
      assertThat(line.coalesced()).isZero();
    }
  }

  @Test
  void aSystemdThatStopsReadingNeverHoldsUpTheEngineThread() throws Throwable {
    String path = dir.resolve("notify").toString();
    try (NotifySocket systemd = new NotifySocket(path, 5);
        SystemdStatusLine line =
            new SystemdStatusLine(SdNotify.from(Map.of("NOTIFY_SOCKET", path), PID))) {
      // Nobody reads: the socket's queue fills and the sender thread blocks in sendto. A
      // blocking listener would hang here; the bound is loose on purpose (shared machine).
      assertTimeoutPreemptively(
          Duration.ofSeconds(20),
          () -> {
            for (int i = 0; i < 20_000; i++) {
              line.offer("dns0: MASTER (prio " + i + ")");
            }
          });
      assertThat(line.coalesced()).as("lines replaced while systemd did not read").isPositive();
      // systemd reads again: the newest line is never the one dropped, so it arrives.
      // Bounded: at most 20,000 receives, each waiting at most 5 s.
      List<String> seen = new ArrayList<>();
      while (seen.size() < 20_000
          && (seen.isEmpty() || !seen.getLast().equals("STATUS=dns0: MASTER (prio 19999)"))) {
        seen.add(systemd.receive());
      }
      assertThat(seen.getLast()).isEqualTo("STATUS=dns0: MASTER (prio 19999)");
      assertThat(seen.size()).as("lines that reached systemd").isLessThan(20_000);
    }
  }

  @Test
  void withoutNotifySocketNothingRuns() {
    try (SystemdStatusLine line = new SystemdStatusLine(SdNotify.from(Map.of(), PID))) {
      line.offer("dns0: MASTER (prio 200)");
      assertThat(line.coalesced()).isZero();
    }
  }
}
