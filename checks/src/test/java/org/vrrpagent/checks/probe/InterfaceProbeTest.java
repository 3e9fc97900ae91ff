package org.vrrpagent.checks.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vrrpagent.checks.InterfaceProbeSpec;
import org.vrrpagent.checks.ProbeResult;

/**
 * The interface probe on loopback and on a veth pair the test creates (unique names) and deletes.
 */
class InterfaceProbeTest {
  @RegisterExtension static final ProbeRuns probes = new ProbeRuns();

  static ProbeResult run(InterfaceProbeSpec spec) throws Exception {
    return probes.run(spec, Duration.ofSeconds(1));
  }

  @Test
  void loopbackIsUpAndAMissingInterfaceIsDown() throws Exception {
    assertThat(run(new InterfaceProbeSpec("lo", null)).reason()).isEqualTo("interface lo: unknown");
    assertThat(run(new InterfaceProbeSpec("lo", null)).isUp()).isTrue();
    assertThat(run(new InterfaceProbeSpec("va-none0", null)).reason())
        .isEqualTo("interface va-none0: no such interface");
  }

  @Test
  void vethFollowsLinkAndCarrier() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        Boolean.getBoolean("vrrp.skipLab"), "-Dvrrp.skipLab=true");
    String prefix =
        "va" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    String a = prefix + "a";
    String b = prefix + "b";
    try {
      ip("link", "add", a, "type", "veth", "peer", "name", b);
      assertThat(run(new InterfaceProbeSpec(a, null)).reason())
          .isEqualTo("interface " + a + ": down (expected: up)");
      ip("link", "set", a, "up");
      ip("link", "set", b, "up");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> run(new InterfaceProbeSpec(a, null)).isUp());
      assertThat(run(new InterfaceProbeSpec(a, "carrier")).reason())
          .isEqualTo("interface " + a + ": carrier");
      ip("link", "set", b, "down"); // the peer going down takes our carrier
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> !run(new InterfaceProbeSpec(a, "carrier")).isUp());
      assertThat(run(new InterfaceProbeSpec(a, "carrier")).reason())
          .isEqualTo("interface " + a + ": no carrier");
      assertThat(run(new InterfaceProbeSpec(a, null)).reason())
          .isEqualTo("interface " + a + ": lowerlayerdown (expected: up)");
    } finally {
      new ProcessBuilder("ip", "link", "del", a).start().waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static void ip(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "ip";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "lab setup failed: "
              + String.join(" ", cmd)
              + ": "
              + new String(p.getInputStream().readAllBytes()));
    }
  }
}
