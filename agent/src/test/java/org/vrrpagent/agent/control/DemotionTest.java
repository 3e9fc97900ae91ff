package org.vrrpagent.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DemotionTest {
  @ParameterizedTest(name = "{0} demoted by {1} advertises {2}")
  @CsvSource({
    "250,100,150",
    "100,99,1",
    "100,100,1",
    "100,254,1",
    "1,1,1",
    "255,254,1",
    "255,1,254"
  })
  void byNeverGoesBelowOne(int priority, int by, int expected) {
    assertThat(new Demotion.By(by).apply(priority)).isEqualTo(expected);
    assertThat(new Demotion.By(by).describe()).isEqualTo("by " + by);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 50, 100, 254, 255})
  void toBackupIsPriorityOne(int priority) {
    assertThat(new Demotion.ToBackup().apply(priority)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 255, 1000})
  void byOutOfRangeIsRefused(int by) {
    assertThatThrownBy(() -> new Demotion.By(by))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("by=" + by + " (expected: 1..254)");
  }
}
