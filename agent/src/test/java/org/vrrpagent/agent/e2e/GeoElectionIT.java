package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;

/**
 * Election across routers (docs/geo-failover.md): two sites with no shared link, a router between
 * them that really decrements the TTL. Host 1 (site A, {@code wan0} 198.18.1.1/24) and host 2 (site
 * B, {@code wan0} 198.18.2.2/24) reach each other only through host 3, which forwards; their lab
 * {@code eth0} is down.
 */
class GeoElectionIT {
  static final Duration ELECTION = Duration.ofSeconds(20);
  static final String VIP = "198.18.9.100";

  @AutoClose final AgentLab lab = AgentLab.create(3);

  @BeforeEach
  void routeTheSitesThroughHost3() {
    NetnsLab n = lab.lab;
    n.addLink(1, "wan0", "198.18.1.1/24", 3, "r1", "198.18.1.254/24");
    n.addLink(2, "wan0", "198.18.2.2/24", 3, "r2", "198.18.2.254/24");
    n.enableForwarding(3);
    n.addRoute(1, "198.18.2.0/24", "198.18.1.254");
    n.addRoute(2, "198.18.1.0/24", "198.18.2.254");
    n.execChecked(1, "ip", "link", "set", "eth0", "down");
    n.execChecked(2, "ip", "link", "set", "eth0", "down");
  }

  static String site(String node, int priority, String peer) {
    return """
        node: %s
        instances:
          www:
            interface: wan0
            vrid: 10
            priority: %d
            advert-interval: 1s
            addresses: [%s/32]
            unicast-peers: [%s]
        """
        .formatted(node, priority, VIP, peer);
  }

  /** Whether {@code host} holds {@code address} on its wan0. */
  boolean holds(int host, String address) {
    return lab.lab
        .execChecked(host, "ip", "-o", "addr", "show", "dev", "wan0")
        .contains(" " + address + "/");
  }

  /** Waits until {@code host} holds {@code address} and the other site does not. */
  void awaitHolder(int host, String address, Duration within, NetnsLab.LabProcess... logs) {
    int other = host == 1 ? 2 : 1;
    try {
      Awaitility.await("only host " + host + " holds " + address)
          .atMost(within)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> holds(host, address) && !holds(other, address));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + AgentLab.logs(logs), e);
    }
  }

  /** Waits 3 s, failing the moment {@code host} is not the only holder of {@code address}. */
  void awaitStaysOnlyMaster(int host, String address) {
    int other = host == 1 ? 2 : 1;
    Awaitility.await("host " + host + " stays the only master")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> holds(host, address) && !holds(other, address));
  }

  /** After a crash of the master: waits until {@code host} holds {@code address}. */
  void awaitTakeover(int host, String address, NetnsLab.LabProcess... logs) {
    try {
      Awaitility.await("host " + host + " takes over")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> holds(host, address));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + AgentLab.logs(logs), e);
    }
  }

  @Test
  @DisplayName(
      "across a router: validate refuses a peer without min-ttl; with it the sites elect, fail over"
          + " on a crash and take back")
  void electionAcrossARouter() {
    // Without min-ttl, validate on the host refuses the peer and says why (exit 2).
    Path plain = lab.write("plain-h1.yaml", site("h1", 200, "198.18.2.2"));
    CommandRunner.Result refused = lab.cli(1, "validate", "--config", plain.toString());
    assertThat(refused.exitStatus()).as(refused.stderr()).isEqualTo(2);
    assertThat(refused.stderr())
        .contains("unicast peer 198.18.2.2 is not on a subnet of wan0 [198.18.1.1/24]")
        .contains("min-ttl below 255 for a peer across routers")
        .contains("arrive with TTL < 255");

    NetnsLab.LabProcess h1 = lab.agent(1, site("h1", 200, "{ address: 198.18.2.2, min-ttl: 250 }"));
    NetnsLab.LabProcess h2 = lab.agent(2, site("h2", 100, "{ address: 198.18.1.1, min-ttl: 250 }"));
    awaitHolder(1, VIP, ELECTION, h1, h2);
    awaitStaysOnlyMaster(1, VIP);
    // Host 2 hears the master's adverts with the TTL the router left: 254.
    String adverts =
        lab.lab
            .exec(2, "timeout", "5", "tcpdump", "-i", "wan0", "-n", "-v", "-c", "1", "ip proto 112")
            .stdout();
    assertThat(adverts).contains("ttl 254").contains("198.18.1.1 > 198.18.2.2: VRRPv3");

    // The master crashes: site B takes over.
    // (SIGKILL leaves host 1's address behind, as a crash does: only host 2 is looked at; the
    // agent removes the leftover when it starts again.)
    lab.kill(h1);
    awaitTakeover(2, VIP, h2);
    // It comes back with the higher priority and takes back.
    NetnsLab.LabProcess again =
        lab.agent(1, site("h1", 200, "{ address: 198.18.2.2, min-ttl: 250 }"));
    awaitHolder(1, VIP, ELECTION, again, h2);
    lab.awaitLog(h2, "www: MASTER -> BACKUP", Duration.ofSeconds(10));
  }

  static final String VIP6 = "fd00:198:18:9::100";

  @Test
  @DisplayName(
      "IPv6 across a router: the hop limit arrives as 254; with min-ttl the sites elect, fail over"
          + " on a crash and take back")
  void ipv6ElectionAcrossARouter() {
    NetnsLab n = lab.lab;
    n.execChecked(1, "ip", "-6", "addr", "add", "fd00:198:18:1::1/64", "dev", "wan0", "nodad");
    n.execChecked(3, "ip", "-6", "addr", "add", "fd00:198:18:1::fe/64", "dev", "r1", "nodad");
    n.execChecked(2, "ip", "-6", "addr", "add", "fd00:198:18:2::2/64", "dev", "wan0", "nodad");
    n.execChecked(3, "ip", "-6", "addr", "add", "fd00:198:18:2::fe/64", "dev", "r2", "nodad");
    n.addRoute(1, "fd00:198:18:2::/64", "fd00:198:18:1::fe");
    n.addRoute(2, "fd00:198:18:1::/64", "fd00:198:18:2::fe");
    // Adverts leave from the site's global address: a link-local source does not cross routers.
    String h1 = site6("h1", 200, "fd00:198:18:1::1", "fd00:198:18:2::2");
    String h2 = site6("h2", 100, "fd00:198:18:2::2", "fd00:198:18:1::1");
    NetnsLab.LabProcess a = lab.agent(1, h1);
    NetnsLab.LabProcess b = lab.agent(2, h2);
    awaitHolder(1, VIP6, ELECTION, a, b);
    awaitStaysOnlyMaster(1, VIP6);
    // Host 2 hears the master's adverts with the hop limit the router left: 254.
    String adverts =
        n.exec(2, "timeout", "5", "tcpdump", "-i", "wan0", "-n", "-v", "-c", "1", "ip6 proto 112")
            .stdout();
    assertThat(adverts).contains("hlim 254").contains("fd00:198:18:1::1 > fd00:198:18:2::2");

    lab.kill(a);
    awaitTakeover(2, VIP6, b);
    NetnsLab.LabProcess again = lab.agent(1, h1);
    awaitHolder(1, VIP6, ELECTION, again, b);
    lab.awaitLog(b, "www6: MASTER -> BACKUP", Duration.ofSeconds(10));
    assertThat(b.output()).doesNotContain("peer_ttl").doesNotContain("Exception");
  }

  static String site6(String node, int priority, String source, String peer) {
    return """
        node: %s
        instances:
          www6:
            interface: wan0
            vrid: 11
            priority: %d
            advert-interval: 1s
            source: %s
            addresses: [%s/128]
            unicast-peers: [ { address: %s, min-ttl: 250 } ]
        """
        .formatted(node, priority, source, VIP6, peer);
  }

  /** Each site's own copy of example.org, as each site's nsd serves it: h1 (site A) is master. */
  static final String SITE_ZONE =
      """
      $ORIGIN example.org.
      $TTL 3600
      @       IN SOA  ns1.example.org. hostmaster.example.org. (
                      2026010101 ; serial
                      3600 900 1209600 60 )
              IN NS   ns1.example.org.
      ns1     IN A    198.18.0.13
      www     60 IN A     198.18.1.1     ; failover
      standby 60 IN A     198.18.2.2     ; failover standby
      """;

  static final String SITE_A = "198.18.1.1";
  static final String SITE_B = "198.18.2.2";

  /**
   * A site of the geo pair as docs/geo-failover.md describes it: no address to move; a shared BIND
   * primary (on the router host, reached across it) takes RFC 2136 updates from the master, and the
   * site's own nsd serves its own copy of the zone, rewritten on every change of master.
   */
  static String geoSite(String node, int priority, String peer, Path key, Nsd nsd) {
    return """
        node: %s
        instances:
          www:
            interface: wan0
            vrid: 10
            priority: %d
            advert-interval: 1s
            unicast-peers: [ { address: %s, min-ttl: 250 } ]
            addresses: []
            hosts:
              h1: { A: %s, vrrp: %s }
              h2: { A: %s, vrrp: %s }
            actions:
              - dns-update:
                  server: 198.18.0.13
                  zone: example.org
                  tsig: { name: vrrp-agent., algorithm: hmac-sha256, secret-file: %s }
                  records:
                    - { name: www, type: A, value: master }
                    - { name: standby, type: A, value: standby }
                  ttl: 60s
                  timeout: 1s
                  retry-for: 5m
              - zone-file:
                  path: %s
                  marker: "; failover"
                  reload: %s
                  reload-timeout: 10s
                  verify: { server: 127.0.0.1, name: www.example.org, type: A }
        """
        .formatted(
            node,
            priority,
            peer,
            SITE_A,
            SITE_A,
            SITE_B,
            SITE_B,
            key,
            nsd.zoneFile,
            nsd.reloadArgv());
  }

  /** Waits until {@code name} A, asked from {@code from}, is {@code want}. */
  void awaitRecord(
      String what, Duration within, Answer answer, String want, NetnsLab.LabProcess... logs) {
    try {
      Awaitility.await(what + " = " + want)
          .atMost(within)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> answer.get().equals(want));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage() + " (it says '" + answer.get() + "')" + AgentLab.logs(logs), e);
    }
  }

  /** One DNS question, asked with dig. */
  interface Answer {
    String get();
  }

  @Test
  @DisplayName(
      "across a router with DNS actions: a crash of the master moves the record (shared BIND and"
          + " the survivor's own nsd), the master back moves it back")
  void aCrashOfTheMasterMovesTheRecordAndItsReturnMovesItBack() {
    NetnsLab n = lab.lab;
    // The shared primary sits on the router host's own address: each site reaches it across
    // the router (its queries and updates come from the site's wan0 address).
    n.addRoute(1, "198.18.0.13/32", "198.18.1.254");
    n.addRoute(2, "198.18.0.13/32", "198.18.2.254");
    Path key = Bind.keygen(n, "vrrp-agent", "tsig.key");
    Bind bind = Bind.prepare(n, 3, key).start(n, 3);
    Nsd nsd1 = Nsd.start(n, 1, SITE_ZONE);
    Nsd nsd2 = Nsd.start(n, 2, SITE_ZONE);
    Duration act = Duration.ofSeconds(40);

    // Site A first, so that site B hears a master from its start (and is never master before
    // the crash: its log is read for that below).
    NetnsLab.LabProcess h1 = lab.agent(1, geoSite("h1", 200, SITE_B, key, nsd1));
    lab.awaitLog(h1, "www: BACKUP -> MASTER", ELECTION);
    NetnsLab.LabProcess h2 = lab.agent(2, geoSite("h2", 100, SITE_A, key, nsd2));
    lab.awaitLog(h2, "www: INIT -> BACKUP", ELECTION);
    // Asked from the other site, across the router: the shared primary names site A.
    awaitRecord(
        "www at BIND, from h2",
        act,
        () -> bind.answer(n, 2, "www.example.org", "A"),
        SITE_A,
        h1,
        h2);
    awaitRecord(
        "standby at BIND, from h2",
        act,
        () -> bind.answer(n, 2, "standby.example.org", "A"),
        SITE_B,
        h1,
        h2);
    lab.awaitLog(h1, "changed (master h1, standby h2): updated and verified", act);
    assertThat(h2.output()).doesNotContain("BACKUP -> MASTER");

    // kill -9 of the master: site B waits out its master-down timer, takes over, and moves the
    // shared record and its own zone to itself.
    lab.kill(h1);
    lab.awaitLog(h2, "www: BACKUP -> MASTER", ELECTION);
    awaitRecord(
        "www at BIND, from h2", act, () -> bind.answer(n, 2, "www.example.org", "A"), SITE_B, h2);
    awaitRecord(
        "standby at BIND, from h2",
        act,
        () -> bind.answer(n, 2, "standby.example.org", "A"),
        SITE_A,
        h2);
    awaitRecord(
        "www at h2's nsd", act, () -> nsd2.answer(n, 2, "www.example.org", "A"), SITE_B, h2);
    awaitRecord(
        "standby at h2's nsd",
        act,
        () -> nsd2.answer(n, 2, "standby.example.org", "A"),
        SITE_A,
        h2);
    lab.awaitLog(h2, "changed (master h2, standby h1): updated and verified", act);

    // Site A back with the higher priority: it preempts and the records name it again, at the
    // shared primary (asked from site A) and in both sites' own zones.
    NetnsLab.LabProcess again = lab.agent(1, geoSite("h1", 200, SITE_B, key, nsd1));
    lab.awaitLog(again, "www: BACKUP -> MASTER", ELECTION);
    lab.awaitLog(h2, "www: MASTER -> BACKUP", ELECTION);
    awaitRecord(
        "www at BIND, from h1",
        act,
        () -> bind.answer(n, 1, "www.example.org", "A"),
        SITE_A,
        again,
        h2);
    awaitRecord(
        "standby at BIND, from h1",
        act,
        () -> bind.answer(n, 1, "standby.example.org", "A"),
        SITE_B,
        again,
        h2);
    for (int h = 1; h <= 2; h++) {
      Nsd nsd = h == 1 ? nsd1 : nsd2;
      int host = h;
      awaitRecord(
          "www at h" + h + "'s nsd",
          act,
          () -> nsd.answer(n, host, "www.example.org", "A"),
          SITE_A,
          again,
          h2);
      awaitRecord(
          "standby at h" + h + "'s nsd",
          act,
          () -> nsd.answer(n, host, "standby.example.org", "A"),
          SITE_B,
          again,
          h2);
    }
    lab.awaitLog(again, "changed (master h1, standby h2): updated and verified", act);
    assertThat(again.output()).doesNotContain("Exception");
    assertThat(h2.output()).doesNotContain("Exception");
  }

  @Test
  @DisplayName(
      "rotation across a router: rotate NAME and a scheduled rotation hand over to the other site"
          + " for the hold, then the master takes back")
  void rotation() {
    // Real SMTP: GreenMail in the router host, on its address on site A's link (threads it
    // starts inherit the namespace).
    try (LabMail mail = LabMail.start(lab, 3, "198.18.1.254")) {
      rotation(mail);
    }
  }

  /** Waits for a mail whose subject starts with {@code subject}. */
  void awaitMail(LabMail mail, String subject, NetnsLab.LabProcess... logs) {
    try {
      Awaitility.await("a mail '" + subject + "'")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> mail.subjects().stream().anyMatch(m -> m.startsWith(subject)));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage() + " (mails: " + mail.subjects() + ")" + AgentLab.logs(logs), e);
    }
  }

  void rotation(LabMail mail) {
    String h1Config =
        site("h1", 200, "{ address: 198.18.2.2, min-ttl: 250 }")
            + """
                rotation: { every: 1m, hold: 15s }
            notify:
              email:
                smtp: { host: 198.18.1.254, port: 3025, starttls: none }
                from: vrrp-agent@h1.example.org
                to: [hostmaster@example.org]
                when: [fault]
            """;
    NetnsLab.LabProcess h1 = lab.agent(1, h1Config);
    NetnsLab.LabProcess h2 = lab.agent(2, site("h2", 100, "{ address: 198.18.1.1, min-ttl: 250 }"));
    awaitHolder(1, VIP, ELECTION, h1, h2);

    // The scheduled one: every minute, on the minute.
    lab.awaitLog(h1, "www: rotation started: scheduled", Duration.ofSeconds(75));
    awaitHolder(2, VIP, Duration.ofSeconds(15), h1, h2);
    lab.awaitLog(
        h1,
        "www: rotation handed-over: 198.18.2.2 took over (priority 100)",
        Duration.ofSeconds(10));
    // After the hold (15 s from the start) the master takes back.
    awaitHolder(1, VIP, Duration.ofSeconds(30), h1, h2);
    lab.awaitLog(h1, "www: rotation ended", Duration.ofSeconds(5));
    // Each step mailed, at once and on its own (whatever when: says).
    awaitMail(mail, "[h1] www: rotation started: scheduled: priority 1 so the peer takes over", h1);
    awaitMail(mail, "[h1] www: rotation handed-over: 198.18.2.2 took over (priority 100)", h1);
    assertThat(mail.subjects()).anyMatch(m -> m.startsWith("[h1] www: rotation ended"));

    // One rotation now, from the CLI through the control API (the next scheduled one is at
    // least 40 s away: the hold was 15 s of the minute).
    CommandRunner.Result rotate = lab.cli(1, "rotate", "www");
    assertThat(rotate.exitStatus()).as(rotate.stdout() + rotate.stderr()).isZero();
    assertThat(rotate.stdout()).contains("rotation started");
    awaitHolder(2, VIP, Duration.ofSeconds(15), h1, h2);
    awaitHolder(1, VIP, Duration.ofSeconds(30), h1, h2);
    assertThat(h1.output()).contains("www: rotation started: requested by the operator");
    assertThat(h1.output()).doesNotContain("rotation skipped");
    awaitMail(mail, "[h1] www: rotation started: requested by the operator", h1);
    assertThat(mail.subjects()).noneMatch(m -> m.contains("rotation skipped"));
  }
}
