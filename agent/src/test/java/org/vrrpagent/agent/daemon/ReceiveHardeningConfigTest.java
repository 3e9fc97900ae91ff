package org.vrrpagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.agent.config.ReceiveConfig;
import org.vrrpagent.core.fsm.ReceivePolicy;

/**
 * The instance keys on-link-only, max-learned-interval and accept-from reach the state machine's
 * receive policy.
 */
class ReceiveHardeningConfigTest {
  @Test
  @DisplayName(
      "defaults: on-link only, 4 × the interval, no allow-list; keys map to the ReceivePolicy; unicast mode")
  void keysReachThePolicy() throws Exception {
    Config c =
        ConfigLoader.parse(
            "agent.yaml",
            """
        node: h1
        instances:
          plain:
            interface: eth0
            vrid: 51
            addresses: [198.18.0.100/24]
          hardened:
            interface: eth0
            vrid: 52
            addresses: [198.18.0.101/24]
            on-link-only: false
            max-learned-interval: 2500ms
            accept-from: [198.18.0.12, 198.18.0.13]
          unicast:
            interface: eth0
            vrid: 53
            addresses: [198.18.0.102/24]
            unicast-peers: [198.18.0.12]
            max-learned-interval: 3s
        """);
    assertThat(c.instances().get("plain").receive()).isEqualTo(ReceiveConfig.DEFAULT);
    assertThat(EngineAssembly.receivePolicy(c.instances().get("plain")))
        .isEqualTo(ReceivePolicy.DEFAULT);
    assertThat(ReceivePolicy.DEFAULT.maxLearnedIntervalCentis(100)).isEqualTo(400);

    ReceiveConfig hardened = c.instances().get("hardened").receive();
    assertThat(hardened.maxLearnedInterval()).contains(Duration.ofMillis(2500));
    assertThat(EngineAssembly.receivePolicy(c.instances().get("hardened")))
        .isEqualTo(
            new ReceivePolicy(
                true,
                false,
                250,
                Set.of(
                    InetAddress.ofLiteral("198.18.0.12"), InetAddress.ofLiteral("198.18.0.13"))));

    assertThat(EngineAssembly.receivePolicy(c.instances().get("unicast")))
        .isEqualTo(ReceivePolicy.unicast(300));
  }
}
