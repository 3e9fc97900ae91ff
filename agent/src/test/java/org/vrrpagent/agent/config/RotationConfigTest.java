package org.vrrpagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code rotation: { every, at, hold }}: parsed, and refused at its line with the reason. */
class RotationConfigTest {
  private static String config(String rotation) {
    return """
        node: a
        instances:
          www:
            interface: eth0
            vrid: 10
            priority: 150
            addresses: [198.18.1.100/24]
            rotation: %s
        """
        .formatted(rotation);
  }

  private static List<String> problems(String rotation) {
    try {
      ConfigLoader.parse("agent.yaml", config(rotation));
      return List.of();
    } catch (ConfigException e) {
      return e.errors().stream().map(ConfigError::toString).toList();
    }
  }

  @Test
  void theIssuesExampleParses() throws Exception {
    Config c =
        ConfigLoader.parse("agent.yaml", config("{ every: 7d, at: \"Mon 04:00\", hold: 10m }"));
    assertThat(c.instances().get("www").rotation())
        .contains(
            new RotationConfig(
                Duration.ofDays(7),
                Optional.of(DayOfWeek.MONDAY),
                Optional.of(LocalTime.of(4, 0)),
                Duration.ofMinutes(10)));
    assertThat(
            ConfigLoader.parse("agent.yaml", config("{ every: 2m, hold: 30s }"))
                .instances()
                .get("www")
                .rotation())
        .contains(
            new RotationConfig(
                Duration.ofMinutes(2), Optional.empty(), Optional.empty(), Duration.ofSeconds(30)));
  }

  @Test
  void badRotationsAreRefusedWithTheReason() {
    assertThat(problems("{ every: 7d, at: \"Monday 4am\", hold: 10m }"))
        .singleElement()
        .satisfies(
            p -> assertThat(p).startsWith("agent.yaml:8:").contains("\"HH:MM\" or \"Mon HH:MM\""));
    assertThat(problems("{ every: 3d, at: \"Mon 04:00\", hold: 10m }"))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("every a multiple of 7d"));
    assertThat(problems("{ every: 90m, at: \"04:00\", hold: 10m }"))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("every in whole days"));
    assertThat(problems("{ every: 1h, hold: 2h }"))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("hold 2h is not shorter than every 1h"));
    assertThat(problems("{ every: 7d }"))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("missing hold"));
    assertThat(problems("{ every: 10s, hold: 1s }"))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("every"));
    assertThat(problems("{ every: 7d, hold: 10m, when: now }"))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("unknown key \"when\""));
  }
}
