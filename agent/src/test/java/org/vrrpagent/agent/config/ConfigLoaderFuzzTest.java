package org.vrrpagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.vrrpagent.base.StrictText;

/**
 * Jazzer: any bytes either load or are refused with {@link ConfigException} whose every error is
 * one line, has a position inside the input (line 0 only for the file as a whole) and is a YAML
 * syntax error or has an "(expected: …)" hint; the errors are in file order and print as {@code
 * FILE:LINE:COL: message}. Never another exception, never a hang. The bytes go through the load
 * path {@code validate} uses (UTF-8 and NUL checks, YAML, binding, semantic checks) without a file.
 * Replays its corpus (valid and broken configs) as a normal test; fuzzes with JAZZER_FUZZ=1.
 */
class ConfigLoaderFuzzTest {
  private static final String FILE = "fuzz.yaml";

  @FuzzTest(maxDuration = "60s")
  void loadNeverFailsOtherwise(byte[] input) {
    try {
      Config config = ConfigLoader.parse(FILE, input, "fuzz-node");
      assertThat(config.instances()).isNotEmpty();
    } catch (ConfigException e) {
      checkRefusal(new String(input, StandardCharsets.UTF_8), e);
    }
  }

  private static void checkRefusal(String text, ConfigException e) {
    List<ConfigError> errors = e.errors();
    assertThat(errors).isNotEmpty().hasSizeLessThanOrEqualTo(Problems.MAX_PROBLEMS + 1);
    long lines = text.lines().count();
    ConfigError previous = null;
    for (ConfigError error : errors) {
      String message = error.message();
      assertThat(message).as("%s", error).isNotBlank().isEqualTo(StrictText.oneLine(message));
      assertThat(error.file()).isEqualTo(FILE);
      if (error.line() == 0) {
        assertThat(error.column()).as("%s", error).isZero();
        assertThat(error.toString()).isEqualTo(FILE + ": " + message);
      } else {
        assertThat(error.line()).as("%s", error).isBetween(1, (int) lines + 1);
        assertThat(error.column()).as("%s", error).isPositive();
        assertThat(error.toString())
            .isEqualTo(FILE + ":" + error.line() + ":" + error.column() + ": " + message);
      }
      if (!message.startsWith("YAML syntax: ")
          && !message.contains(" more problems not shown (limit: ")) {
        assertThat(message).as("%s", error).contains("(expected: ");
      }
      if (previous != null && error.line() != 0) {
        assertThat(error).as("errors in file order").isGreaterThanOrEqualTo(previous);
      }
      previous = error;
    }
  }
}
