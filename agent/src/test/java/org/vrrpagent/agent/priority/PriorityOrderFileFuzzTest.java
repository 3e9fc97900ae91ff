package org.vrrpagent.agent.priority;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer: any bytes either parse into a duplicate-free order of valid host names or are refused
 * with {@link PriorityOrderException}. Replays its corpus as a normal test; fuzzes with
 * JAZZER_FUZZ=1.
 */
class PriorityOrderFileFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void parseNeverFailsOtherwise(byte[] input) {
    try {
      PriorityOrder order = PriorityOrderFile.parse(input);
      assertThat(order.hosts())
          .doesNotHaveDuplicates()
          .allSatisfy(h -> assertThat(h).isLowerCase().doesNotContainAnyWhitespaces());
      assertThat(order.hosts().size()).isLessThanOrEqualTo(PriorityOrderFile.MAX_HOSTS);
    } catch (PriorityOrderException expected) {
      assertThat(expected.getMessage()).contains("(expected: ");
    }
  }
}
