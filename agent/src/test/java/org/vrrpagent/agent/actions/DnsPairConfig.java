package org.vrrpagent.agent.actions;

/** The configuration the DNS-action tests share: a pair of name servers seen from one of them. */
public final class DnsPairConfig {
  private DnsPairConfig() {}

  /**
   * Node ns2 of the pair ns1 (192.0.2.99) / ns2 (203.0.113.20): instance {@code www} with no
   * address to move and one {@code zone-file} action, {@code zoneFile} being its flow mapping
   * ({@code { path: …, marker: …, reload: […] }}).
   */
  public static String ns2WithZoneFile(String zoneFile) {
    return """
        node: ns2
        instances:
          www:
            interface: eth0
            vrid: 10
            addresses: []
            hosts:
              ns1: { A: 192.0.2.99, AAAA: "2001:db8:1::99", vrrp: 192.0.2.99 }
              ns2: { A: 203.0.113.20, AAAA: "2001:db8:2::42", vrrp: 203.0.113.20 }
            actions:
              - zone-file: %s
        """
        .formatted(zoneFile);
  }
}
