package org.vrrpagent.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vrrpagent.core.wire.VrrpVersion;

/** The RFC formulas, checked against values worked out by hand. */
class TimerIntervalsTest {

  @ParameterizedTest(name = "{0} prio {1} interval {2} cs: skew {3} ns, down {4} ns")
  @CsvSource({
    // v3: Skew_Time = (256 − prio) × interval / 256; Master_Down_Interval = 3 × interval +
    // Skew_Time
    "V3, 100, 100, 609375000, 3609375000",
    "V3, 200, 100, 218750000, 3218750000",
    "V3, 254, 1, 78125, 30078125",
    "V3, 1, 4095, 40790039062, 163640039062",
    // v2: Skew_Time = (256 − prio) / 256 s whatever the interval
    "V2, 100, 100, 609375000, 3609375000",
    "V2, 100, 300, 609375000, 9609375000",
    "V2, 255, 100, 3906250, 3003906250",
  })
  void formulas(VrrpVersion version, int priority, int centis, long skew, long down) {
    TimerIntervals t = TimerIntervals.derive(version, priority, centis);
    assertThat(t.advertIntervalNanos()).isEqualTo(centis * 10_000_000L);
    assertThat(t.skewTimeNanos()).isEqualTo(skew);
    assertThat(t.masterDownIntervalNanos()).isEqualTo(down);
  }
}
