package org.vrrpagent.agent.e2e;

/** YAML and keepalived configurations for lab tests. */
final class LabConfigs {
  private LabConfigs() {}

  static final String VIP4 = "198.18.0.100";
  static final String VIP6 = "fd00:198:18::100";

  /** One vrrp-agent instance {@code dns0} on eth0; {@code extra} adds instance keys (indented 4). */
  static String agent(String node, int vrid, int priority, String address, String extra) {
    return """
        node: %s
        instances:
          dns0:
            interface: eth0
            vrid: %d
            priority: %d
            advert-interval: 1s
            addresses: [%s]
            garp: { delay: 1s, repeat: 2 }
        %s""".formatted(node, vrid, priority, address, extra.indent(4));
  }

  static String agent(String node, int priority, String address) {
    return agent(node, 51, priority, address, "");
  }

  /** Milliseconds: Master_Down_Interval at a 1 s interval = 3 s + (256 - priority)/256 s. */
  static long masterDownMillis(int priority) {
    return 3000 + skewMillis(priority);
  }

  /** Milliseconds: Skew_Time at a 1 s interval = (256 - priority)/256 s. */
  static long skewMillis(int priority) {
    return (256 - priority) * 1000L / 256;
  }
}
