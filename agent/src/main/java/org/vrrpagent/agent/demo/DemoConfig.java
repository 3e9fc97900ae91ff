package org.vrrpagent.agent.demo;

import static org.vrrpagent.agent.demo.DemoNetwork.ADDRESS;
import static org.vrrpagent.agent.demo.DemoNetwork.CHECK;
import static org.vrrpagent.agent.demo.DemoNetwork.CHECK_WEIGHT;
import static org.vrrpagent.agent.demo.DemoNetwork.INSTANCE;
import static org.vrrpagent.agent.demo.DemoNetwork.RANKS;
import static org.vrrpagent.agent.demo.DemoNetwork.VRID;

import java.nio.file.Path;

/**
 * The configuration every demo host runs with: the real lab writes it to a file, the simulation
 * parses it the same way.
 */
final class DemoConfig {
  /** The port of each host's web server (on 127.0.0.1). */
  static final int SERVICE_PORT = 8080;

  private DemoConfig() {}

  /**
   * Host {@code host}'s YAML, reading {@code orderFile} and serving its control API on {@code
   * socket}.
   */
  static String yaml(String host, Path orderFile, Path socket) {
    return """
        # vrrp-agent demo, host %1$s (written by 'vrrp-agent demo')
        node: %1$s
        instances:
          %2$s:
            interface: eth0
            vrid: %3$d
            advert-interval: 1s
            addresses: [%4$s/24]
            priority-order: { file: %5$s, ranks: [%6$s] }
            track:
              - { check: %7$s, weight: %8$d }
        checks:
          %7$s:
            http: { url: "http://127.0.0.1:%9$d/" }
            interval: 500ms
            timeout: 400ms
        control:
          unix-socket: %10$s
        """
        .formatted(
            host,
            INSTANCE,
            VRID,
            ADDRESS,
            orderFile,
            String.join(", ", RANKS.stream().map(String::valueOf).toList()),
            CHECK,
            CHECK_WEIGHT,
            SERVICE_PORT,
            socket);
  }

  /** 198.18.0.(10+i) for host {@code hi}: the lab's addressing. */
  static String hostAddress(String host) {
    return "198.18.0." + (10 + DemoNetwork.HOSTS.indexOf(host) + 1);
  }
}
