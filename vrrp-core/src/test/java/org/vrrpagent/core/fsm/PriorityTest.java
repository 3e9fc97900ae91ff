package org.vrrpagent.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** keepalived's tracking semantics for the effective priority. */
class PriorityTest {

  @ParameterizedTest(name = "base {0}, weight {1}, up {2}, reverse {3} -> {4}")
  @CsvSource({
    // positive weight adds when up, nothing when down
    "100, 20, true, false, 120",
    "100, 20, false, false, 100",
    // negative weight subtracts when down, nothing when up
    "100, -20, false, false, 80",
    "100, -20, true, false, 100",
    // reverse negates the weight: +20 reversed subtracts when down, -20 reversed adds when up
    "100, 20, false, true, 80",
    "100, 20, true, true, 100",
    "100, -20, true, true, 120",
    "100, -20, false, true, 100",
    // clamped to 1..254
    "250, 20, true, false, 254",
    "10, -50, false, false, 1",
    // the owner is never changed
    "255, -100, false, false, 255",
  })
  void oneAdjustment(int base, int weight, boolean up, boolean reverse, int expected) {
    Priority p =
        Priority.compute(base, List.of(new TrackedAdjustment("check", weight, up, reverse)));
    assertThat(p.value()).isEqualTo(expected);
    assertThat(p.fault()).isFalse();
  }

  @Test
  @DisplayName("adjustments add up, and each that applies gives a reason")
  void adjustmentsAddUp() {
    Priority p =
        Priority.compute(
            100,
            List.of(
                new TrackedAdjustment("dns", -30, false, false),
                new TrackedAdjustment("smtp", -30, true, false),
                new TrackedAdjustment("uplink", 10, true, false)));
    assertThat(p.value()).isEqualTo(80);
    assertThat(p.reasons()).containsExactly("dns down: -30", "uplink up: +10");
  }

  @Test
  @DisplayName("a weight-0 failure means FAULT, also for the owner; reverse faults when up")
  void weightZeroFailureIsFault() {
    assertThat(
            Priority.compute(100, List.of(new TrackedAdjustment("eth0", 0, false, false))).fault())
        .isTrue();
    assertThat(
            Priority.compute(100, List.of(new TrackedAdjustment("eth0", 0, true, false))).fault())
        .isFalse();
    assertThat(
            Priority.compute(100, List.of(new TrackedAdjustment("maint", 0, true, true))).fault())
        .isTrue();
    Priority owner = Priority.compute(255, List.of(new TrackedAdjustment("eth0", 0, false, false)));
    assertThat(owner.fault()).isTrue();
    assertThat(owner.value()).isEqualTo(255);
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> Priority.compute(0, List.of()))
        .hasMessage("base priority 0 (expected: 1..255)");
    assertThatThrownBy(() -> new TrackedAdjustment("x", 255, true, false))
        .hasMessage("weight 255 of 'x' (expected: -254..254)");
  }

  @ParameterizedTest(name = "named_ok {0}, web {1}, named_running {2} -> {3}")
  @CsvSource({
    "true, true, true, 140",
    "false, true, true, 80",
    "true, false, true, 100",
    "false, false, true, 40",
    "true, true, false, -1",
  })
  @DisplayName("the worked example of docs/engine.md, row by row")
  void workedExampleOfTheDocs(boolean namedOk, boolean web, boolean namedRunning, int expected) {
    Priority p =
        Priority.compute(
            100,
            List.of(
                new TrackedAdjustment("named_ok", -60, namedOk, false),
                new TrackedAdjustment("web", 20, web, false),
                new TrackedAdjustment("named_running", 0, namedRunning, false),
                new TrackedAdjustment("web", -20, web, true)));
    if (expected < 0) {
      assertThat(p.fault()).isTrue();
    } else {
      assertThat(p.fault()).isFalse();
      assertThat(p.value()).isEqualTo(expected);
    }
  }
}
