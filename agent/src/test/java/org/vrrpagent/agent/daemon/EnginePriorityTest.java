package org.vrrpagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.agent.config.EnginePriorityConfig;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.io.InMemoryAddressTable;
import org.vrrpagent.core.io.RecordingNeighborAnnouncer;
import org.vrrpagent.core.linux.ThreadScheduling;

/**
 * {@code engine-priority:}: read from the configuration, applied to the real engine thread, and
 * read back from the kernel ({@code /proc/self/task/TID/stat}, {@code sched_getscheduler}).
 */
class EnginePriorityTest {
  private static final String INSTANCES =
      """
      instances:
        dns0:
          interface: eth0
          vrid: 51
          addresses: [198.18.0.100/24]
      """;

  private Engine engine;

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.shutdown(Duration.ofSeconds(5));
    }
  }

  private Engine engine() {
    engine =
        new Engine(
            new InMemoryAddressTable(), new RecordingNeighborAnnouncer(), new EngineListener() {});
    return engine;
  }

  private static boolean root() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Uid:"))
        .anyMatch(l -> l.split("\\s+")[1].equals("0"));
  }

  @Test
  void theConfigurationNamesNiceOrRealtimeAndDefaultsToNeither() throws ConfigException {
    assertThat(ConfigLoader.parse("a.yaml", INSTANCES).enginePriority())
        .isEqualTo(EnginePriorityConfig.DEFAULT);
    assertThat(
            ConfigLoader.parse("a.yaml", INSTANCES + "engine-priority:\n  nice: -10\n")
                .enginePriority())
        .isEqualTo(EnginePriorityConfig.nice(-10));
    assertThat(
            ConfigLoader.parse("a.yaml", INSTANCES + "engine-priority: {realtime: 10}\n")
                .enginePriority())
        .isEqualTo(EnginePriorityConfig.realtime(10));
  }

  @Test
  void aNiceValueReachesTheEngineThreadOnly() {
    int callerNice = ThreadScheduling.observe(ThreadScheduling.currentTid()).nice();
    EnginePriority.Applied applied = EnginePriority.apply(engine(), EnginePriorityConfig.nice(5));
    assertThat(applied.refusal()).isNull();
    assertThat(applied.tid()).isNotEqualTo(ThreadScheduling.currentTid());
    assertThat(ThreadScheduling.observe(applied.tid()).nice()).isEqualTo(5);
    assertThat(ThreadScheduling.observe(ThreadScheduling.currentTid()).nice())
        .isEqualTo(callerNice);
  }

  @Test
  void aRealtimePriorityReachesTheEngineThreadAsRootOrIsRefusedWithTheReason() throws Exception {
    EnginePriority.Applied applied =
        EnginePriority.apply(engine(), EnginePriorityConfig.realtime(10));
    if (root()) {
      assertThat(applied.refusal()).isNull();
      assertThat(ThreadScheduling.policy(applied.tid())).isEqualTo(ThreadScheduling.SCHED_RR);
      assertThat(ThreadScheduling.observe(applied.tid()).realtimePriority()).isEqualTo(10);
    } else {
      assertThat(applied.refusal()).contains("CAP_SYS_NICE");
      assertThat(ThreadScheduling.policy(applied.tid())).isEqualTo(ThreadScheduling.SCHED_OTHER);
    }
  }

  @Test
  void theDefaultLeavesTheThreadAlone() {
    assertThat(EnginePriority.apply(engine(), EnginePriorityConfig.DEFAULT)).isNull();
  }
}
