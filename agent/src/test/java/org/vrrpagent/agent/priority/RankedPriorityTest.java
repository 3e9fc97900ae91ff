package org.vrrpagent.agent.priority;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.config.PriorityOrderConfig;

class RankedPriorityTest {
  private static final PriorityOrder ORDER =
      new PriorityOrder(List.of("recdns-cnh", "recdns-sby", "recdns-wcdc"));
  private static final List<Integer> RANKS = List.of(250, 200, 150, 100);

  private static PriorityOrderConfig config(boolean reverse, OptionalInt unlisted) {
    return new PriorityOrderConfig(
        Path.of("/etc/vrrp-agent/priority.testdns"), RANKS, reverse, unlisted);
  }

  @Test
  void eachListedHostGetsTheRankOfItsPosition() {
    PriorityOrderConfig c = config(false, OptionalInt.empty());
    assertThat(RankedPriority.of(ORDER, "recdns-cnh", c))
        .isEqualTo(new RankedPriority(OptionalInt.of(250), 0, "rank 1 of 3"));
    assertThat(RankedPriority.of(ORDER, "recdns-sby", c).priority()).hasValue(200);
    assertThat(RankedPriority.of(ORDER, "RECDNS-WCDC", c).priority())
        .as("host names compare case-insensitively")
        .hasValue(150);
  }

  @Test
  void reverseReadsTheFileBottomUp() {
    PriorityOrderConfig c = config(true, OptionalInt.empty());
    assertThat(RankedPriority.of(ORDER, "recdns-wcdc", c))
        .isEqualTo(new RankedPriority(OptionalInt.of(250), 0, "rank 1 of 3 (reverse)"));
    assertThat(RankedPriority.of(ORDER, "recdns-sby", c).priority()).hasValue(200);
    assertThat(RankedPriority.of(ORDER, "recdns-cnh", c).priority()).hasValue(150);
  }

  @Test
  void anUnlistedHostIsFaultOrTheUnlistedPriority() {
    RankedPriority fault =
        RankedPriority.of(ORDER, "recdns-rnb", config(false, OptionalInt.empty()));
    assertThat(fault.fault()).isTrue();
    assertThat(fault.reason()).isEqualTo("recdns-rnb not listed -> FAULT");
    RankedPriority fifty =
        RankedPriority.of(ORDER, "recdns-rnb", config(false, OptionalInt.of(50)));
    assertThat(fifty)
        .isEqualTo(
            new RankedPriority(
                OptionalInt.of(50), -1, "recdns-rnb not listed -> unlisted priority 50"));
  }

  @Test
  void aHostListedBeyondTheLastRankIsUnlisted() {
    PriorityOrderConfig twoRanks =
        new PriorityOrderConfig(Path.of("/p"), List.of(250, 200), false, OptionalInt.of(50));
    RankedPriority third = RankedPriority.of(ORDER, "recdns-wcdc", twoRanks);
    assertThat(third.priority()).hasValue(50);
    assertThat(third.reason())
        .isEqualTo("recdns-wcdc listed 3 but only 2 ranks -> unlisted priority 50");
  }

  @Test
  void aMissingFileLeavesEveryoneUnlisted() {
    assertThat(RankedPriority.of(null, "recdns-cnh", config(false, OptionalInt.of(50))))
        .isEqualTo(
            new RankedPriority(OptionalInt.of(50), -1, "file missing -> unlisted priority 50"));
    assertThat(RankedPriority.of(null, "recdns-cnh", config(false, OptionalInt.empty())).fault())
        .isTrue();
  }

  @Test
  void commentingOutTheMasterMovesEveryoneUp() {
    PriorityOrder without = new PriorityOrder(List.of("recdns-sby", "recdns-wcdc"));
    PriorityOrderConfig c = config(false, OptionalInt.of(50));
    assertThat(RankedPriority.of(without, "recdns-sby", c).priority()).hasValue(250);
    assertThat(RankedPriority.of(without, "recdns-cnh", c).priority()).hasValue(50);
  }
}
