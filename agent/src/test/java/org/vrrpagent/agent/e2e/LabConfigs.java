package org.vrrpagent.agent.e2e;

/** YAML and keepalived configurations for lab tests and lab benchmarks. */
public final class LabConfigs {
  private LabConfigs() {}

  static final String VIP4 = "198.18.0.100";
  static final String VIP6 = "fd00:198:18::100";

  /** Lab hosts 1 and 2's own IPv4 addresses on eth0 ({@code NetnsLab.ipv4}). */
  static final String H1 = "198.18.0.11";

  static final String H2 = "198.18.0.12";

  /**
   * One vrrp-agent instance {@code dns0} on eth0; {@code extra} adds instance keys (indented 4).
   */
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
        %s"""
        .formatted(node, vrid, priority, address, extra.indent(4));
  }

  static String agent(String node, int priority, String address) {
    return agent(node, 51, priority, address, "");
  }

  /** One CARP instance on eth0 at advbase 1 s (docs/carp.md). */
  static String carp(
      String node,
      String instance,
      int vhid,
      int advskew,
      boolean preempt,
      String password,
      String addressWithPrefix) {
    return """
        node: %s
        instances:
          %s:
            protocol: carp
            interface: eth0
            vhid: %d
            advbase: 1s
            advskew: %d
            password: %s
            preempt: %s
            addresses: [%s]
        """
        .formatted(node, instance, vhid, advskew, password, preempt, addressWithPrefix);
  }

  /**
   * keepalived's configuration for one instance {@code dns0} on eth0, starting in BACKUP (the
   * election decides), at 1 s adverts.
   *
   * @param instanceLines more lines inside {@code vrrp_instance} (version, authentication,
   *     track_file …)
   * @param globalLines more top-level blocks (e.g. a {@code vrrp_track_file})
   */
  public static String keepalived(
      String node, int priority, String vipWithPrefix, String instanceLines, String globalLines) {
    return keepalived(node, 51, priority, "1", vipWithPrefix, instanceLines, globalLines);
  }

  /**
   * As {@link #keepalived(String, int, String, String, String)} with another VRID and {@code
   * advert_int}.
   */
  public static String keepalived(
      String node,
      int vrid,
      int priority,
      String advertInt,
      String vipWithPrefix,
      String instanceLines,
      String globalLines) {
    return """
        global_defs {
          router_id %s
        }
        %s
        vrrp_instance dns0 {
          state BACKUP
          interface eth0
          virtual_router_id %d
          priority %d
          advert_int %s
        %s
          virtual_ipaddress {
            %s
          }
        }
        """
        .formatted(
            node, globalLines, vrid, priority, advertInt, instanceLines.indent(2), vipWithPrefix);
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
