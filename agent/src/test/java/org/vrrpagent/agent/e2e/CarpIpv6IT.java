package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP6;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * CARP over IPv6 as carp(4) speaks it (docs/carp.md; ucarp has no IPv6): IPv6 next header 112 to
 * ff02::12 from the link-local address with hop limit 255, the HMAC over the IPv6 addresses. Two
 * vrrp-agents in the netns lab, since no OpenBSD host is available: an election with preemption,
 * the adverts on the wire, and a takeover after kill -9 in about 3 intervals.
 */
class CarpIpv6IT {
  static final int VHID = 61;

  @AutoClose final AgentLab lab = AgentLab.create(2);

  static String agent(String node, int advskew, boolean preempt, String password) {
    return LabConfigs.carp(node, "ns6", VHID, advskew, preempt, password, VIP6 + "/64");
  }

  @Test
  void twoAgentsElectOverIpv6_preemptOnTheSkew_kill9HandsBackInAboutThreeIntervals() {
    NetnsLab.LabProcess h2 = lab.agent(2, agent("h2", 100, false, "secret6"));
    lab.awaitAddress(2, VIP6, System.nanoTime(), FailoverIT.ELECTION, h2);
    NetnsLab.LabProcess h1 = lab.agent(1, agent("h1", 0, true, "secret6"));
    lab.awaitLog(h1, "ns6: INIT -> BACKUP", FailoverIT.ELECTION);
    long t0 = System.nanoTime();
    // h1 hears h2's advert (1 + 100/256 s) and preempts it (advskew 0); h2 steps down at once.
    long took =
        lab.awaitAddress(1, VIP6, t0, Duration.ofMillis(1400).plus(FailoverIT.MARGIN), h1, h2);
    lab.awaitNoAddress(2, VIP6, Duration.ofSeconds(3), h1, h2);
    assertThat(h1.output()).as(AgentLab.logs(h1)).contains("ns6: BACKUP -> MASTER (preempt");
    assertThat(h2.output()).as(AgentLab.logs(h2)).contains("ns6: MASTER -> BACKUP (better master");
    System.out.printf("MEASURED CARP/IPv6 preempt: %d ms after BACKUP%n", took);

    // h1's advert as h2 sees it: IPv6, next header 112, link-local source, ff02::12, hop limit
    // 255, a 36-byte CARP message (version 2, type 1, vhid 61, advskew 0, authlen 7).
    String dump = lab.captureOne(2, "ip6 proto 112 and src net fe80::/10", "-v", "-x");
    assertThat(dump).contains("hlim 255").contains("> ff02::12");
    byte[] frame = AgentLab.hexDump(dump);
    // tcpdump may or may not print the Ethernet header before the IPv6 one: the last 76 bytes.
    assertThat(frame.length).as(dump).isIn(40 + 36, 14 + 40 + 36);
    byte[] packet = java.util.Arrays.copyOfRange(frame, frame.length - 76, frame.length);
    assertThat(packet[0] >>> 4 & 0x0f).as("IPv6").isEqualTo(6);
    assertThat(packet[6]).as("next header").isEqualTo((byte) 112);
    assertThat(packet[7] & 0xff).as("hop limit").isEqualTo(255);
    assertThat(packet[8] & 0xff).as("link-local source").isEqualTo(0xfe);
    assertThat(packet[40]).as("version 2, type 1").isEqualTo((byte) 0x21);
    assertThat(packet[41] & 0xff).as("vhid").isEqualTo(VHID);
    assertThat(packet[42] & 0xff).as("advskew").isZero();
    assertThat(packet[43] & 0xff).as("authlen").isEqualTo(7);

    long t1 = System.nanoTime();
    lab.kill(h1);
    // 3 × advbase + 100/256 s of silence, plus the loaded machine's margin.
    long back = lab.awaitAddress(2, VIP6, t1, Duration.ofMillis(3400).plus(FailoverIT.MARGIN), h2);
    System.out.printf(
        "MEASURED CARP/IPv6 kill -9 -> backup: %d ms (3 × advbase + skew: 3390)%n", back);
    assertThat(h2.output()).as(AgentLab.logs(h2)).doesNotContain("Exception");
  }

  @Test
  void aWrongPassphraseOverIpv6IsDroppedCountedAndAlarmedNeverObeyed() {
    NetnsLab.LabProcess h2 = lab.agent(2, agent("h2", 100, false, "secret6"));
    lab.awaitAddress(2, VIP6, System.nanoTime(), FailoverIT.ELECTION, h2);
    // It would preempt h2 (advskew 0, preempt) if its adverts verified.
    NetnsLab.LabProcess h1 = lab.agent(1, agent("h1", 0, true, "wrong"));
    lab.awaitLog(h2, "ns6: CONFLICT with fe80::", Duration.ofSeconds(15));
    Awaitility.await("h2 keeps " + VIP6)
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.hasAddress(2, VIP6));
    assertThat(h2.output()).as(AgentLab.logs(h2, h1)).doesNotContain("ns6: MASTER ->");
  }
}
