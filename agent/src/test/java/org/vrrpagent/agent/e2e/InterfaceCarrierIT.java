package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;

/**
 * {@code interface: { name: eth0, source: carrier }} written in YAML, run by {@code vrrp-agent
 * checks} inside a lab host, follows the real carrier of the host's veth: the far end going down
 * (in the lab's switch) takes it, coming up gives it back.
 */
class InterfaceCarrierIT {
  @Test
  void aCarrierCheckFollowsTheFarEndOfTheVeth() throws Exception {
    try (NetnsLab lab = NetnsLab.create(1)) {
      Path config = lab.workDir().resolve("agent.yaml");
      Files.writeString(
          config,
          """
          node: h1
          instances:
            dns0: { interface: eth0, vrid: 51, addresses: ["198.18.0.100/24"], track: [uplink] }
          checks:
            uplink:
              interface: { name: eth0, source: carrier }
          """);
      String launcher = AgentLab.repoRoot().resolve("bin/vrrp-agent").toString();
      String port = lab.prefix() + "p1"; // the veth end plugged into the lab's bridge

      CommandRunner.Result up = lab.exec(1, launcher, "checks", "--config", config.toString());
      assertThat(up.exitStatus()).as(up.stdout() + up.stderr()).isZero();
      assertThat(up.stdout()).contains("interface eth0: carrier");

      // Pull the cable at the switch: the host's eth0 stays administratively up, its carrier goes.
      CommandRunner ip = new CommandRunner();
      assertThat(
              ip.run(List.of("ip", "-n", lab.switchNamespace(), "link", "set", port, "down"))
                  .succeeded())
          .isTrue();
      Awaitility.await("no carrier once the far end is down")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                CommandRunner.Result r =
                    lab.exec(1, launcher, "checks", "--config", config.toString());
                return r.exitStatus() == 1 && r.stdout().contains("interface eth0: no carrier");
              });

      assertThat(
              ip.run(List.of("ip", "-n", lab.switchNamespace(), "link", "set", port, "up"))
                  .succeeded())
          .isTrue();
      Awaitility.await("carrier again")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                CommandRunner.Result r =
                    lab.exec(1, launcher, "checks", "--config", config.toString());
                return r.exitStatus() == 0 && r.stdout().contains("interface eth0: carrier");
              });
    }
  }
}
