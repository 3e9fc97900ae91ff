package org.vrrpagent.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab benchmarks' arithmetic and parsing, without a lab: what their tables rest on. */
class BenchArithmeticTest {
  @Test
  void tcpdumpLinesBecomeAdvertsWithMicrosecondTimes() {
    var v3 =
        WireCapture.parse(
            "1763781234.000123 IP 198.18.0.12 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 200, intvl 100cs, length 12");
    assertThat(v3)
        .contains(
            new WireCapture.Advert(
                Instant.ofEpochSecond(1763781234, 123_000), "198.18.0.12", 3, 51, 200));
    var zero =
        WireCapture.parse(
            "1763781235.500000 IP 198.18.0.12 > 224.0.0.18: VRRPv2, Advertisement, vrid 7, prio 0, authtype none, intvl 1s, length 20");
    assertThat(zero)
        .get()
        .extracting(WireCapture.Advert::priority, WireCapture.Advert::version)
        .containsExactly(0, 2);
    var v6 =
        WireCapture.parse(
            "1763781236.250000 IP6 fe80::1 > ff02::12: VRRPv3, Advertisement, vrid 51, prio 100, intvl 100cs, length 24");
    assertThat(v6).get().extracting(WireCapture.Advert::source).isEqualTo("fe80::1");
    assertThat(
            WireCapture.parse(
                "listening on eth0, link-type EN10MB (Ethernet), snapshot length 128 bytes"))
        .isEmpty();
    assertThat(
            WireCapture.parse(
                "1763781236.250000 ARP, Request who-has 198.18.0.100 tell 198.18.0.100, length 28"))
        .isEmpty();
  }

  @Test
  void percentilesAreNearestRank() {
    Distribution d = Distribution.of(List.of(5, 1, 4, 2, 3, 10, 9, 8, 7, 6));
    assertThat(d.min()).isEqualTo(1);
    assertThat(d.median()).isEqualTo(5);
    assertThat(d.percentile(90)).isEqualTo(9);
    assertThat(d.percentile(99)).isEqualTo(10);
    assertThat(d.max()).isEqualTo(10);
    assertThat(Distribution.of(List.<Double>of()).median()).isNaN();
  }

  @Test
  void rfcBoundsForTheBackupAtPriority100AndOneSecondAdverts() {
    assertThat(FailoverBench.skewMillis(100)).isEqualTo(609.375);
    assertThat(FailoverBench.masterDownMillis(100)).isEqualTo(3609.375);
  }

  @Test
  void durationsReadAsOperatorsWriteThem() {
    assertThat(LabBench.duration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(LabBench.duration("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(LabBench.duration("PT2M")).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void theAgentsTakeoverLineGivesItsLatenessInMilliseconds() {
    String log =
        """
        02:22:42.200 INFO  dns0: BACKUP -> MASTER (master down timer expired, prio 100)
        02:22:42.201 INFO  dns0: takeover advert sent 212 µs after the down timer's deadline
        02:25:01.000 INFO  dns0: takeover advert sent 1043 µs after the down timer's deadline
        """;
    assertThat(FailoverBench.loggedLatenessMillis(log)).as("the last takeover").isEqualTo(1.043);
    assertThat(FailoverBench.loggedLatenessMillis("dns0: BACKUP -> MASTER")).isNaN();
  }
}
