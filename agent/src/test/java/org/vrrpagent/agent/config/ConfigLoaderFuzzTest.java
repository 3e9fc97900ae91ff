package org.vrrpagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer: any text either loads or is refused with {@link ConfigException} whose every error has a
 * position inside the input and an "(expected: …)" hint — never another exception, never a hang.
 * Replays its corpus (valid and broken configs) as a normal test; fuzzes with JAZZER_FUZZ=1.
 */
class ConfigLoaderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void loadNeverFailsOtherwise(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    try {
      Config config = ConfigLoader.parse("fuzz.yaml", text);
      assertThat(config.instances()).isNotEmpty();
    } catch (ConfigException e) {
      long lines = text.lines().count() + 1;
      assertThat(e.errors())
          .isNotEmpty()
          .allSatisfy(
              error -> {
                assertThat(error.line()).isBetween(0, (int) Math.max(lines, 1) + 1);
                assertThat(error.message()).isNotBlank();
              });
    }
  }
}
