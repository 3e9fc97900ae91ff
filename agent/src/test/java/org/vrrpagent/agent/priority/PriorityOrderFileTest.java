package org.vrrpagent.agent.priority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PriorityOrderFileTest {
  private static PriorityOrder parse(String text) throws PriorityOrderException {
    return PriorityOrderFile.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theIssueExampleListsThreeHostsInOrder() throws Exception {
    PriorityOrder order =
        parse(
            """
        # /etc/vrrp-agent/priority.testdns
        recdns-cnh
        #recdns-rnb          <- commented out: out of service
        recdns-sby

        recdns-wcdc
        """);
    assertThat(order.hosts()).containsExactly("recdns-cnh", "recdns-sby", "recdns-wcdc");
  }

  @Test
  void trailingCommentsWhitespaceCrLfAndCaseAreTolerated() throws Exception {
    assertThat(parse("  Recdns-CNH   # the big one\r\n\trecdns-sby\r\n").hosts())
        .containsExactly("recdns-cnh", "recdns-sby");
  }

  @Test
  void aFileOfCommentsListsNobody() throws Exception {
    assertThat(parse("# all out of service\n#a\n\n").hosts()).isEmpty();
    assertThat(parse("").hosts()).isEmpty();
  }

  @Test
  void theShippedExampleParses() throws Exception {
    assertThat(
            PriorityOrderFile.read(Path.of("..", "examples", "resolver-pair", "priority.rdns"))
                .hosts())
        .containsExactly("resolver-a", "resolver-b");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      a\\nb\\na                 | line 3: duplicate host a (expected: each host once; first on line 1)
      a\\nA                     | line 2: duplicate host a (expected: each host once; first on line 1)
      a\\nb c                   | line 2: "b c" is more than one word (expected: one host name per line)
      a\\n\\nhost!name          | line 3: "host!name" is not a host name (expected: letters, digits, "-", ".", "_")
      -leading                  | line 1: "-leading" is not a host name (expected: letters, digits, "-", ".", "_")
      """)
  void malformedLinesAreRefusedWithTheirLine(String text, String message) {
    assertThatExceptionOfType(PriorityOrderException.class)
        .isThrownBy(() -> parse(text.replace("\\n", "\n")))
        .withMessage(message);
  }

  @Test
  void binaryJunkIsRefusedWithItsLine() {
    byte[] junk = {'a', '\n', 'b', 0, 'c', '\n'};
    assertThatExceptionOfType(PriorityOrderException.class)
        .isThrownBy(() -> PriorityOrderFile.parse(junk))
        .withMessage("line 2: binary data (byte 0x00) (expected: text, one host name per line)")
        .satisfies(e -> assertThat(e.line()).isEqualTo(2));
    byte[] latin1 = {'h', (byte) 0xe9, '\n'};
    assertThatExceptionOfType(PriorityOrderException.class)
        .isThrownBy(() -> PriorityOrderFile.parse(latin1))
        .withMessage("not UTF-8 text (expected: text, one host name per line)");
  }

  @Test
  void limitsAreEnforced() {
    assertThatExceptionOfType(PriorityOrderException.class)
        .isThrownBy(() -> PriorityOrderFile.parse(new byte[PriorityOrderFile.MAX_BYTES + 1]))
        .withMessage("larger than 65536 bytes (expected: at most 65536 bytes)");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= PriorityOrderFile.MAX_HOSTS; i++) {
      many.append("h").append(i).append('\n');
    }
    assertThatExceptionOfType(PriorityOrderException.class)
        .isThrownBy(() -> parse(many.toString()))
        .withMessage("line 1025: more than 1024 hosts (expected: at most 1024)");
    assertThatExceptionOfType(PriorityOrderException.class)
        .isThrownBy(() -> parse("a".repeat(254)))
        .withMessageStartingWith("line 1: \"aaaa");
  }

  /**
   * Any list of distinct hosts, written with random comments and blank lines, reads back the same.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 4242, 777_777})
  void roundTripsRandomFiles(long seed) throws Exception {
    Random random = new Random(seed);
    for (int round = 0; round < 200; round++) {
      List<String> hosts = new ArrayList<>();
      StringBuilder file = new StringBuilder();
      int n = random.nextInt(12);
      for (int i = 0; i < n; i++) {
        String host =
            "h"
                + i
                + "-"
                + Integer.toString(random.nextInt(1 << 20), 36)
                + (random.nextBoolean() ? ".example.org" : "");
        hosts.add(host);
        switch (random.nextInt(4)) {
          case 0 -> file.append("# comment ").append(random.nextInt()).append('\n');
          case 1 -> file.append('\n');
          case 2 -> file.append("#").append(host).append("-out\n");
          default -> {}
        }
        file.append(random.nextBoolean() ? "  " : "")
            .append(host)
            .append(random.nextBoolean() ? " # note" : "")
            .append(random.nextBoolean() ? "\r\n" : "\n");
      }
      assertThat(parse(file.toString()).hosts())
          .as("seed=%d round=%d:%n%s", seed, round, file)
          .isEqualTo(hosts);
    }
  }

  /** Random bytes either parse or are refused with PriorityOrderException; nothing else escapes. */
  @ParameterizedTest
  @ValueSource(longs = {7, 8, 9})
  void randomBytesNeverEscapeAsAnotherException(long seed) {
    Random random = new Random(seed);
    for (int round = 0; round < 2000; round++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      try {
        PriorityOrder order = PriorityOrderFile.parse(bytes);
        assertThat(order.hosts()).doesNotHaveDuplicates();
      } catch (PriorityOrderException expected) {
        assertThat(expected.getMessage())
            .as("seed=%d round=%d", seed, round)
            .contains("(expected: ");
      }
    }
  }
}
