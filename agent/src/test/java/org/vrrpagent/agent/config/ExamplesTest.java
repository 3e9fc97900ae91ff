package org.vrrpagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every configuration users copy from {@code examples/} passes plain {@code validate} from a
 * checkout: the files it names (scripts, hooks, priority-order files, the password file) are
 * shipped beside it and looked at as {@code validate} and {@code run} look at them.
 */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "examples");

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @Test
  void thereAreExamples() throws IOException {
    assertThat(examples().count()).isGreaterThanOrEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void loads(Path file) {
    assertThatCode(() -> ConfigLoader.load(file, ScriptSecurity.forCurrentProcess()))
        .doesNotThrowAnyException();
  }
}
