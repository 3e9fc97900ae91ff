package org.vrrpagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in {@code src/test/resources/config/bad/} is refused with exactly the problems its
 * {@code # expect: LINE:COL: message} comment lines list, in file order — no more (all problems are
 * collected, none invented) and no fewer.
 */
class BadConfigTest {
  private static final Path BAD = Path.of("src/test/resources/config/bad");

  static Stream<Path> badConfigs() throws IOException {
    try (Stream<Path> files = Files.list(BAD)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @Test
  void theSuiteHasAtLeastFiftyBadConfigs() throws IOException {
    assertThat(badConfigs().count()).isGreaterThanOrEqualTo(50);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void isRefusedWithTheExpectedMessagesAndPositions(Path file) throws IOException {
    List<String> expected =
        Files.readAllLines(file).stream()
            .filter(l -> l.startsWith("# expect: "))
            .map(l -> l.substring("# expect: ".length()))
            .toList();
    assertThat(expected).as("the file states what it expects").isNotEmpty();

    var thrown =
        assertThatExceptionOfType(ConfigException.class)
            .isThrownBy(() -> ConfigLoader.load(file))
            .actual();

    assertThat(thrown.errors()).allSatisfy(e -> assertThat(e.file()).isEqualTo(file.toString()));
    assertThat(thrown.errors().stream().map(BadConfigTest::withoutFile))
        .containsExactlyElementsOf(expected);
  }

  private static String withoutFile(ConfigError e) {
    return e.line() > 0 ? e.line() + ":" + e.column() + ": " + e.message() : e.message();
  }
}
