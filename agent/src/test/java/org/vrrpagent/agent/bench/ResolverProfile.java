package org.vrrpagent.agent.bench;

import java.nio.file.Path;
import org.vrrpagent.agent.e2e.LabConfigs;

/**
 * The "typical resolver configuration" for the memory and start-up rows: one VRRPv3
 * instance at 1 s adverts, a DNS check (against unbound on the host's loopback) tracked by it, the
 * control API on TCP and on a unix socket, and email on state changes (to an SMTP port nobody
 * listens on, so no mail leaves the lab; the mail path is configured, as the goal asks). keepalived
 * gets the same instance.
 */
final class ResolverProfile {
  private ResolverProfile() {}

  static final int VRID = 53;
  static final String VIP_WITH_PREFIX = "198.18.0.53/24";

  static String yaml(Path controlSocket) {
    return """
        node: bench
        control:
          listen: 127.0.0.1:9740
          unix-socket: %s
        checks:
          resolver_answers:
            dns: { server: 127.0.0.1, name: example.org, type: TXT, answer-contains: bench }
            interval: 1s
            timeout: 1s
        instances:
          rdns0:
            interface: eth0
            vrid: %d
            version: 3
            priority: 100
            advert-interval: 1s
            addresses: [%s]
            track:
              - { check: resolver_answers, weight: -50 }
        notify:
          email:
            smtp: { host: 127.0.0.1, port: 2525 }
            from: vrrp-agent@bench.example.org
            to: [hostmaster@example.org]
            when: [master, fault]
        """
        .formatted(controlSocket, VRID, VIP_WITH_PREFIX);
  }

  /** keepalived with the same instance (VRRPv3, 1 s adverts, priority 100). */
  static String keepalived() {
    return LabConfigs.keepalived("bench", VRID, 100, "1", VIP_WITH_PREFIX, "version 3", "");
  }

  static String masterLine(boolean keepalived) {
    return keepalived ? "(dns0) Entering MASTER STATE" : "rdns0: BACKUP -> MASTER";
  }
}
