package org.vrrpagent.agent.config;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Every list with a limit refuses one item more, with the same words: {@code "KEY: N THINGS
 * (expected: at most MAX)"} at the list.
 */
class ListLimitTest {

  private static String items(int n, IntFunction<String> item) {
    return IntStream.range(0, n).mapToObj(item).collect(Collectors.joining(", ", "[", "]"));
  }

  private static void refused(String yaml, String expected) {
    assertThatExceptionOfType(ConfigException.class)
        .isThrownBy(() -> ConfigLoader.parse("t.yaml", yaml))
        .satisfies(
            e ->
                Assertions.assertThat(e.errors())
                    .extracting(ConfigError::message)
                    .contains(expected));
  }

  private static String instance(String extra) {
    return """
        instances:
          dns0:
            interface: eth0
            vrid: 51
        """
        + extra.indent(4);
  }

  @Test
  void addresses() {
    refused(
        instance("addresses: " + items(256, i -> "198.18." + (i / 200) + "." + (i % 200 + 1))),
        "addresses: 256 addresses (expected: at most 255)");
  }

  @Test
  void unicastPeers() {
    refused(
        instance(
            "addresses: [198.18.0.100/24]\nunicast-peers: "
                + items(65, i -> "198.18.0." + (i + 1))),
        "unicast-peers: 65 peers (expected: at most 64)");
  }

  @Test
  void acceptFrom() {
    refused(
        instance(
            "addresses: [198.18.0.100/24]\naccept-from: " + items(65, i -> "198.18.0." + (i + 1))),
        "accept-from: 65 addresses (expected: at most 64)");
  }

  @Test
  void track() {
    String checks =
        IntStream.range(0, 257)
            .mapToObj(i -> "  c" + i + ": { file: { path: /run/vrrp-agent/c" + i + " } }\n")
            .collect(Collectors.joining("", "checks:\n", ""));
    refused(
        checks
            + instance(
                "addresses: [198.18.0.100/24]\ntrack: "
                    + items(257, i -> "{ check: c" + i + ", weight: 1 }")),
        "track: 257 entries (expected: at most 256)");
  }

  @Test
  void ranks() {
    refused(
        instance(
            "addresses: [198.18.0.100/24]\npriority-order: { file: /etc/vrrp-agent/p, ranks: "
                + items(65, i -> String.valueOf(200 - i))
                + " }"),
        "ranks: 65 entries (expected: at most 64)");
  }

  @Test
  void hooks() {
    refused(
        instance("addresses: [198.18.0.100/24]")
            + "notify:\n  hooks: "
            + items(65, i -> "{ exec: [/bin/true] }")
            + "\n",
        "hooks: 65 hooks (expected: at most 64)");
  }

  @Test
  void hookArguments() {
    refused(
        instance("addresses: [198.18.0.100/24]")
            + "notify:\n  hooks: [{ exec: "
            + items(257, i -> i == 0 ? "/bin/true" : "a" + i)
            + " }]\n",
        "exec: 257 arguments (expected: at most 256)");
  }

  private static final String HOSTS =
      """
      addresses: []
      hosts:
        h1: { A: 198.18.0.1, vrrp: 198.18.0.1 }
        h2: { A: 198.18.0.2, vrrp: 198.18.0.2 }
      """;

  @Test
  void actions() {
    refused(
        "node: h1\n"
            + instance(
                HOSTS
                    + "actions: "
                    + items(17, i -> "{ zone-file: { path: /var/z" + i + ", marker: m } }")),
        "actions: 17 entries (expected: at most 16)");
  }

  @Test
  void records() {
    refused(
        "node: h1\n"
            + instance(
                HOSTS
                    + "actions:\n  - dns-update:\n      server: 198.18.0.53\n      zone: example.org\n"
                    + "      records: "
                    + items(65, i -> "{ name: w" + i + ", type: A, value: master }")),
        "records: 65 entries (expected: at most 64)");
  }
}
