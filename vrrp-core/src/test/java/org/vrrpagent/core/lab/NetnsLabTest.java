package org.vrrpagent.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.linux.CommandRunner;

/** The lab itself: what it builds, and that it leaves nothing behind. */
class NetnsLabTest {
  private final CommandRunner runner = new CommandRunner();

  @BeforeEach
  void requireLab() {
    assumeFalse(NetnsLab.skipRequested(), "lab tests skipped by -Dvrrp.skipLab=true");
  }

  private List<String> namespacesWithPrefix(String prefix) {
    return runner
        .run(List.of("ip", "netns", "list"))
        .stdout()
        .lines()
        .map(l -> l.split("\\s+")[0])
        .filter(n -> n.startsWith(prefix + "-"))
        .toList();
  }

  @Test
  void hostsReachEachOtherOverBothFamiliesAndCloseRemovesEverything() throws Exception {
    NetnsLab lab = NetnsLab.create(2);
    String prefix = lab.prefix();
    Path work = lab.workDir();
    NetnsLab.LabProcess tree;
    try {
      assertThat(prefix).matches("va[0-9a-f]{4}");
      assertThat(namespacesWithPrefix(prefix))
          .containsExactlyInAnyOrder(prefix + "-sw", prefix + "-h1", prefix + "-h2");
      assertThat(lab.execChecked(2, "ip", "-br", "addr", "show", "dev", "eth0"))
          .contains("198.18.0.12/24", "fd00:198:18::12/64");
      // Layer 2 works: host 1 resolves host 2's MAC over the bridge (both families).
      lab.inNamespaceRun(
          1,
          () -> {
            try (java.net.DatagramSocket s =
                new java.net.DatagramSocket(0, java.net.InetAddress.ofLiteral("0.0.0.0"))) {
              s.send(
                  new java.net.DatagramPacket(
                      new byte[1], 1, new java.net.InetSocketAddress(lab.ipv4(2), 9)));
              s.send(
                  new java.net.DatagramPacket(
                      new byte[1], 1, new java.net.InetSocketAddress(lab.ipv6(2), 9)));
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(lab.execChecked(1, "ip", "neigh", "show", "dev", "eth0"))
                      .contains("198.18.0.12 lladdr " + lab.mac(2))
                      .contains("fd00:198:18::12 lladdr " + lab.mac(2)));
      // A process that forks: close must take the child too.
      tree = lab.start(1, "sh", "-c", "sleep 600 & sleep 600");
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> tree.process().descendants().count() >= 1);
    } catch (Throwable t) {
      lab.close();
      throw t;
    }
    List<ProcessHandle> children = tree.process().descendants().toList();
    lab.close();

    assertThat(tree.process().isAlive()).isFalse();
    assertThat(children).isNotEmpty();
    Awaitility.await("forked children gone")
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(children).noneMatch(ProcessHandle::isAlive));
    assertThat(namespacesWithPrefix(prefix)).isEmpty();
    assertThat(Files.exists(work)).isFalse();
    lab.close(); // twice is fine
  }

  @Test
  void inNamespacePassesFailuresThrough() {
    try (NetnsLab lab = NetnsLab.create(1)) {
      assertThatThrownBy(
              () ->
                  lab.inNamespace(
                      1,
                      () -> {
                        throw new IllegalArgumentException("from inside");
                      }))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("from inside");
      assertThatThrownBy(() -> lab.namespace(2)).hasMessage("host 2 (expected: 1..1)");
    }
  }
}
