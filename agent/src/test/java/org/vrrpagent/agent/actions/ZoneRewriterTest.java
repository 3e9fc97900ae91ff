package org.vrrpagent.agent.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vrrpagent.agent.config.ActionsConfig.Host;

class ZoneRewriterTest {
  static final Host NS1 = new Host(ip("192.0.2.99"), ip("2001:db8:1::99"), ip("192.0.2.99"));
  static final Host NS2 = new Host(ip("203.0.113.20"), ip("2001:db8:2::42"), ip("203.0.113.20"));
  static final ZoneRewriter.Roles NS1_MASTER = ZoneRewriter.Roles.of(NS1, NS2);
  static final ZoneRewriter.Roles NS2_MASTER = ZoneRewriter.Roles.of(NS2, NS1);
  static final LocalDate TODAY = LocalDate.of(2026, 11, 27);
  static final String M = "; Enable failover";

  static Optional<InetAddress> ip(String s) {
    return Optional.of(InetAddress.ofLiteral(s));
  }

  static final String ZONE =
      """
      $ORIGIN example.org.
      $TTL 300
      @   IN SOA ns1.example.org. hostmaster.example.org. (
              2026112001 ; serial
              3600       ; refresh
              600 86400 60 )
          IN NS  ns1.example.org.
      www     60 IN A     192.0.2.99      ; Enable failover
      www     60 IN AAAA  2001:db8:1::99  ; Enable failover
      standby 60 IN A     203.0.113.20    ; Enable failover standby
      mail       IN A     198.51.100.7
      txt        IN TXT   "a ; Enable failover inside quotes"
      """;

  @Test
  void failoverSwapsMasterAndStandbyAndBumpsTheDateSerial() throws Exception {
    ZoneRewriter.Result r = ZoneRewriter.rewrite(ZONE, M, NS2_MASTER, TODAY);
    assertThat(r.changed()).isTrue();
    assertThat(r.marked()).isEqualTo(3);
    assertThat(r.rewritten()).isEqualTo(3);
    assertThat(r.oldSerial()).isEqualTo(2026112001L);
    assertThat(r.newSerial()).isEqualTo(2026112700L);
    assertThat(r.text())
        .isEqualTo(
            ZONE.replace("2026112001", "2026112700")
                .replace("www     60 IN A     192.0.2.99 ", "www     60 IN A     203.0.113.20 ")
                .replace("2001:db8:1::99  ;", "2001:db8:2::42  ;")
                .replace("standby 60 IN A     203.0.113.20", "standby 60 IN A     192.0.2.99"));
  }

  @Test
  void nothingChangesWhenTheRecordsAreAlreadyRight() throws Exception {
    ZoneRewriter.Result r = ZoneRewriter.rewrite(ZONE, M, NS1_MASTER, TODAY);
    assertThat(r.changed()).isFalse();
    assertThat(r.text()).isSameAs(ZONE);
    assertThat(r.newSerial()).isEqualTo(r.oldSerial());
  }

  @Test
  void rewritingTwiceIsTheSameAsOnce() throws Exception {
    String once = ZoneRewriter.rewrite(ZONE, M, NS2_MASTER, TODAY).text();
    ZoneRewriter.Result twice = ZoneRewriter.rewrite(once, M, NS2_MASTER, TODAY);
    assertThat(twice.changed()).isFalse();
    assertThat(twice.text()).isEqualTo(once);
  }

  @Test
  void theSameDayCountsUpAndNeverBackwards() {
    assertThat(ZoneRewriter.nextSerial(2026112700L, TODAY)).isEqualTo(2026112701L);
    assertThat(ZoneRewriter.nextSerial(2026112799L, TODAY)).isEqualTo(2026112800L);
    assertThat(ZoneRewriter.nextSerial(2026120105L, TODAY)).isEqualTo(2026120106L); // future
    assertThat(ZoneRewriter.nextSerial(2026010100L, TODAY)).isEqualTo(2026112700L);
  }

  @Test
  void aCounterSerialCountsUpModulo2To32() {
    assertThat(ZoneRewriter.nextSerial(1, TODAY)).isEqualTo(2);
    assertThat(ZoneRewriter.nextSerial(4294967295L, TODAY)).isZero();
    assertThat(ZoneRewriter.later(0, 4294967295L)).isTrue();
    assertThat(ZoneRewriter.nextSerial(1999999999L, TODAY))
        .isEqualTo(2000000000L); // 19999999 no date
  }

  @Test
  void oneLineSoaWithClassAndTtlInEitherOrderAndNoOwnerLines() throws Exception {
    String zone =
        "example.org. 3600 IN SOA ns1 host 7 3600 600 86400 60\n"
            + "www IN 60 A 192.0.2.99 ;vrrp\n"
            + "    60 IN AAAA 2001:db8:1::99 ;vrrp\n"
            + "\tIN A 203.0.113.20 ; vrrp standby\n";
    ZoneRewriter.Result r = ZoneRewriter.rewrite(zone, ";vrrp", NS2_MASTER, TODAY);
    // "; vrrp standby" does not contain ";vrrp": only two records are marked
    assertThat(r.marked()).isEqualTo(2);
    assertThat(r.text())
        .isEqualTo(
            "example.org. 3600 IN SOA ns1 host 8 3600 600 86400 60\n"
                + "www IN 60 A 203.0.113.20 ;vrrp\n"
                + "    60 IN AAAA 2001:db8:2::42 ;vrrp\n"
                + "\tIN A 203.0.113.20 ; vrrp standby\n");
  }

  @Test
  void crlfLineEndsAndTabsAreKept() throws Exception {
    String zone =
        "@\tIN\tSOA\tns1 host ( 5 1 1 1 1 )\r\nwww\tIN\tA\t192.0.2.99\t; fo\r\nsb\tIN\tA\t203.0.113.20\t; fo standby\r\n";
    ZoneRewriter.Result r = ZoneRewriter.rewrite(zone, "; fo", NS2_MASTER, TODAY);
    assertThat(r.text())
        .isEqualTo(
            "@\tIN\tSOA\tns1 host ( 6 1 1 1 1 )\r\nwww\tIN\tA\t203.0.113.20\t; fo\r\nsb\tIN\tA\t192.0.2.99\t; fo standby\r\n");
  }

  @Test
  void anEquivalentIpv6SpellingIsAlreadyRight() throws Exception {
    String zone = "@ SOA a b 1 1 1 1 1\nwww AAAA 2001:0db8:0001:0:0:0:0:0099 ; fo\n";
    assertThat(ZoneRewriter.rewrite(zone, "; fo", NS1_MASTER, TODAY).changed()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "@ SOA a b 1 1 1 1 1\nwww CNAME other ; fo\n|marked record is of type CNAME",
        "@ SOA a b 1 1 1 1 1\nwww A ( 192.0.2.1\n ) ; fo\n|spans lines",
        "@ SOA a b 1 1 1 1 1\nwww A 192.0.2.1\n|no record carries the marker",
        "www A 192.0.2.1 ; fo\n|no SOA record",
        "@ SOA a b x 1 1 1 1\nwww A 192.0.2.1 ; fo\n|SOA serial \"x\"",
        "@ SOA a b 4294967296 1 1 1 1\nwww A 192.0.2.1 ; fo\n|SOA serial",
        "@ SOA a b 1 1 1 1 1\n@ SOA a b 1 1 1 1 1\nwww A 192.0.2.1 ; fo\n|a second SOA",
        "@ SOA a b ( 1 1 1 1 1\nwww A 192.0.2.1 ; fo\n|unbalanced",
        "@ SOA a b 1 1 1 1 1\nwww TXT \"open ; fo\n|unterminated",
        "@ SOA a b 1 1 1 1 1\nwww A 192.0.2.1 192.0.2.2 ; fo\n|data fields",
      })
  void refusedShapesSayWhy(String caseText) {
    String[] parts = caseText.split("\\|");
    assertThatThrownBy(() -> ZoneRewriter.rewrite(parts[0], "; fo", NS1_MASTER, TODAY))
        .isInstanceOf(ZoneRewriter.ZoneException.class)
        .hasMessageContaining(parts[1]);
  }

  @Test
  void aRoleWithoutAnAddressOfTheFamilyIsRefused() {
    Host v4only = new Host(ip("192.0.2.1"), Optional.empty(), Optional.empty());
    String zone = "@ SOA a b 1 1 1 1 1\nwww AAAA 2001:db8::1 ; fo\n";
    assertThatThrownBy(
            () -> ZoneRewriter.rewrite(zone, "; fo", ZoneRewriter.Roles.of(v4only, NS2), TODAY))
        .hasMessageContaining("publishes no AAAA");
  }

  /**
   * Seeded random zones of many shapes: only the marked addresses and the serial change, every
   * marked record names its role's address after, a second pass changes nothing, and the serial
   * only goes forward.
   */
  @Test
  void seededZonesChangeOnlyMarkedAddressesAndTheSerial() throws Exception {
    for (int seed = 0; seed < 500; seed++) {
      Random rnd = new Random(seed);
      List<String> expectedMaster = new ArrayList<>();
      StringBuilder z = new StringBuilder();
      String nl = rnd.nextBoolean() ? "\n" : "\r\n";
      String ws = rnd.nextBoolean() ? " " : "\t";
      if (rnd.nextBoolean()) {
        z.append("$ORIGIN example.org.").append(nl).append("$TTL 60").append(nl);
      }
      long serial =
          rnd.nextBoolean() ? 2020010100L + rnd.nextInt(50) : (rnd.nextLong() & 0xffffffffL);
      if (rnd.nextBoolean()) {
        z.append("@").append(ws).append("IN SOA ns1 host (").append(nl);
        z.append(ws).append(serial).append(" ; serial").append(nl);
        z.append(ws).append("1 2 3 4 )").append(nl);
      } else {
        z.append("@ 300 IN SOA ns1 host ").append(serial).append(" 1 2 3 4").append(nl);
      }
      int records = 1 + rnd.nextInt(8);
      boolean anyMarked = false;
      for (int i = 0; i < records; i++) {
        boolean marked = rnd.nextInt(3) > 0 || (!anyMarked && i == records - 1);
        boolean v6 = rnd.nextBoolean();
        boolean standby = rnd.nextBoolean();
        String owner = rnd.nextInt(4) == 0 ? ws : "h" + i + ws;
        String ttlClass =
            switch (rnd.nextInt(4)) {
              case 0 -> "";
              case 1 -> "60" + ws;
              case 2 -> "IN" + ws;
              default -> "IN" + ws + "60" + ws;
            };
        String addr =
            v6
                ? (rnd.nextBoolean() ? "2001:db8:1::99" : "2001:db8:2::42")
                : (rnd.nextBoolean() ? "192.0.2.99" : "203.0.113.20");
        z.append(owner).append(ttlClass).append(v6 ? "AAAA" : "A").append(ws).append(addr);
        if (marked) {
          anyMarked = true;
          z.append(ws).append("; fo").append(standby ? " standby" : "");
          Host h = standby ? NS1 : NS2;
          expectedMaster.add(
              (v6 ? h.aaaa() : h.a()).orElseThrow().getHostAddress().replace("0:0:0:0:0", ""));
        }
        z.append(nl);
        if (rnd.nextInt(5) == 0) {
          z.append("t").append(i).append(ws).append("TXT \"x ; fo (\"").append(nl);
        }
      }
      String zone = z.toString();
      ZoneRewriter.Result r = ZoneRewriter.rewrite(zone, "; fo", NS2_MASTER, TODAY);
      String out = r.text();
      String ctx = "seed=" + seed + "\n" + zone;
      // same lines except marked ones and the serial's
      String[] before = zone.split("\n", -1);
      String[] after = out.split("\n", -1);
      assertThat(after).as(ctx).hasSameSizeAs(before);
      for (int i = 0; i < before.length; i++) {
        if (!before[i].contains("; fo") || before[i].contains("TXT")) {
          if (!before[i].contains(Long.toString(serial))) {
            assertThat(after[i]).as(ctx).isEqualTo(before[i]);
          }
        }
      }
      assertThat(ZoneRewriter.rewrite(out, "; fo", NS2_MASTER, TODAY).changed()).as(ctx).isFalse();
      if (r.changed()) {
        assertThat(ZoneRewriter.later(r.newSerial(), r.oldSerial())).as(ctx).isTrue();
      } else {
        assertThat(out).as(ctx).isEqualTo(zone);
      }
      assertThat(r.marked()).as(ctx).isEqualTo(expectedMaster.size());
    }
  }
}
