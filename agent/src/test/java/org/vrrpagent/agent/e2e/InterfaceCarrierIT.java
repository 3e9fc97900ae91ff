package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.linux.CommandRunner;

/**
 * {@code interface: { name: eth0, source: carrier }} written in YAML, run by {@code vrrp-agent
 * checks} inside a lab host, follows the real carrier of the host's veth: the far end going down
 * (in the lab's switch) takes it, coming up gives it back.
 */
class InterfaceCarrierIT {
  @AutoClose final AgentLab lab = AgentLab.create(1);

  String config;

  /** {@code vrrp-agent checks} in host 1. */
  CommandRunner.Result checks() {
    return lab.cli(1, "checks", "--config", config);
  }

  /**
   * Sets the far end of host 1's veth (its port in the lab's switch) {@code up} or {@code down}.
   */
  void setFarEnd(String upOrDown) {
    String port = lab.lab.prefix() + "p1"; // the veth end plugged into the lab's bridge
    assertThat(
            new CommandRunner()
                .run(List.of("ip", "-n", lab.lab.switchNamespace(), "link", "set", port, upOrDown))
                .succeeded())
        .isTrue();
  }

  /** Waits until {@code checks} exits with {@code exitStatus} and prints {@code line}. */
  void awaitChecks(String what, int exitStatus, String line) {
    Awaitility.await(what)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              CommandRunner.Result r = checks();
              return r.exitStatus() == exitStatus && r.stdout().contains(line);
            });
  }

  @Test
  void aCarrierCheckFollowsTheFarEndOfTheVeth() {
    config =
        lab.write(
                "agent.yaml",
                """
                node: h1
                instances:
                  dns0: { interface: eth0, vrid: 51, addresses: ["198.18.0.100/24"], track: [uplink] }
                checks:
                  uplink:
                    interface: { name: eth0, source: carrier }
                """)
            .toString();

    CommandRunner.Result up = checks();
    assertThat(up.exitStatus()).as(up.stdout() + up.stderr()).isZero();
    assertThat(up.stdout()).contains("interface eth0: carrier");

    // Pull the cable at the switch: the host's eth0 stays administratively up, its carrier goes.
    setFarEnd("down");
    awaitChecks("no carrier once the far end is down", 1, "interface eth0: no carrier");

    setFarEnd("up");
    awaitChecks("carrier again", 0, "interface eth0: carrier");
  }
}
