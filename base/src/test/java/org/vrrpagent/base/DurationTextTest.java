package org.vrrpagent.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationTextTest {

  @ParameterizedTest
  @CsvSource({
    "PT0S, 0s",
    "PT1S, 1s",
    "PT0.5S, 500ms",
    "PT1.5S, 1500ms",
    "PT2M, 2m",
    "PT90S, 90s",
    "PT1H, 1h",
    "PT24H, 1d",
    "PT336H, 14d",
    "PT25H, 25h",
    "PT0.00075S, 750us",
    "PT0.00000004S, 40ns",
    "PT0.0010005S, 1000500ns",
    "PT-2S, -2s"
  })
  void writesTheShortestExactForm(String iso, String expected) {
    assertThat(DurationText.of(Duration.parse(iso))).isEqualTo(expected);
  }

  @Test
  void aMeasuredTimeIsTheSameInEveryLocale() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      assertThat(DurationText.measuredMillis(113.24)).isEqualTo("113.2ms");
      assertThat(DurationText.measuredMillis(0.04)).isEqualTo("0.0ms");
    } finally {
      Locale.setDefault(before);
    }
  }
}
