package org.vrrpagent.checks.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vrrpagent.checks.DnsProbeSpec;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.ProbeStatus;

/** The dns probe against a real unbound started by the test. */
class DnsProbeTest {
  static UnboundServer unbound;
  @RegisterExtension static final ProbeRuns probes = new ProbeRuns();

  @BeforeAll
  static void start() throws Exception {
    unbound = new UnboundServer(); // after the probes' factory, which tunes dnsjava first
  }

  @AfterAll
  static void stop() {
    if (unbound != null) {
      unbound.close();
    }
  }

  static ProbeResult run(DnsProbeSpec spec, Duration timeout) throws Exception {
    return probes.run(spec, timeout);
  }

  static DnsProbeSpec spec(
      String name,
      String type,
      String rcode,
      List<String> exact,
      String contains,
      String regex,
      Boolean requireAd) {
    return new DnsProbeSpec(
        unbound.server(),
        name,
        type,
        null,
        null,
        null,
        requireAd,
        rcode,
        exact,
        contains,
        regex,
        null);
  }

  @Test
  void txtAnswerIsUp() throws Exception {
    ProbeResult r =
        run(DnsProbeSpec.of(unbound.server(), "txt.test", "TXT"), Duration.ofSeconds(1));
    assertThat(r.status()).isEqualTo(ProbeStatus.UP);
    assertThat(r.reason()).isEqualTo("DNS " + unbound.server() + ": NOERROR, 1 TXT answer");
    assertThat(r.latencyNanos()).isPositive();
  }

  @Test
  void expectedAnswersExactContainsAndRegex() throws Exception {
    assertThat(
            run(
                    spec("txt.test", "TXT", null, List.of("hello world"), null, null, null),
                    Duration.ofSeconds(1))
                .isUp())
        .isTrue();
    assertThat(
            run(
                    spec("a.test", "A", null, List.of("198.18.0.1"), null, null, null),
                    Duration.ofSeconds(1))
                .isUp())
        .isTrue();
    assertThat(
            run(spec("txt.test", "TXT", null, null, "hello", null, null), Duration.ofSeconds(1))
                .isUp())
        .isTrue();
    assertThat(
            run(spec("txt.test", "TXT", null, null, null, "^hel+o w", null), Duration.ofSeconds(1))
                .isUp())
        .isTrue();

    ProbeResult wrong =
        run(
            spec("a.test", "A", null, List.of("198.18.0.2"), null, null, null),
            Duration.ofSeconds(1));
    assertThat(wrong.status()).isEqualTo(ProbeStatus.DOWN);
    assertThat(wrong.reason())
        .isEqualTo("DNS " + unbound.server() + ": answers [198.18.0.1] (expected: [198.18.0.2])");
    ProbeResult noContains =
        run(spec("txt.test", "TXT", null, null, "goodbye", null, null), Duration.ofSeconds(1));
    assertThat(noContains.reason())
        .isEqualTo(
            "DNS "
                + unbound.server()
                + ": no answer contains \"goodbye\" (answers: [hello world])");
    ProbeResult noRegex =
        run(spec("txt.test", "TXT", null, null, null, "^world", null), Duration.ofSeconds(1));
    assertThat(noRegex.isUp()).isFalse();
  }

  @Test
  void nxdomainIsDownUnlessExpected() throws Exception {
    ProbeResult r = run(DnsProbeSpec.of(unbound.server(), "nope.test", "A"), Duration.ofSeconds(1));
    assertThat(r.reason()).isEqualTo("DNS " + unbound.server() + ": NXDOMAIN (expected: NOERROR)");
    assertThat(r.isUp()).isFalse();
    assertThat(
            run(spec("nope.test", "A", "NXDOMAIN", null, null, null, null), Duration.ofSeconds(1))
                .isUp())
        .isTrue();
  }

  @Test
  void servfailFromAZoneConfiguredToFail() throws Exception {
    ProbeResult r =
        run(DnsProbeSpec.of(unbound.server(), "cam.ac.uk", "TXT"), Duration.ofSeconds(2));
    assertThat(r.reason()).isEqualTo("DNS " + unbound.server() + ": SERVFAIL (expected: NOERROR)");
  }

  @Test
  void emptyAnswerIsUpUnlessAnAnswerIsRequired() throws Exception {
    ProbeResult r = run(DnsProbeSpec.of(unbound.server(), "a.test", "AAAA"), Duration.ofSeconds(1));
    assertThat(r.reason()).isEqualTo("DNS " + unbound.server() + ": NOERROR, 0 AAAA answers");
    DnsProbeSpec required =
        new DnsProbeSpec(
            unbound.server(),
            "a.test",
            "AAAA",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            true);
    assertThat(run(required, Duration.ofSeconds(1)).reason())
        .isEqualTo(
            "DNS " + unbound.server() + ": NOERROR with no AAAA answer (expected: an answer)");
  }

  @Test
  void requireAdIsDownForUnvalidatedData() throws Exception {
    ProbeResult r = run(spec("a.test", "A", null, null, null, null, true), Duration.ofSeconds(1));
    assertThat(r.reason())
        .isEqualTo(
            "DNS "
                + unbound.server()
                + ": NOERROR without AD flag (expected: AD, a validated answer)");
  }

  @Test
  void truncatedUdpAnswerIsAskedAgainOverTcp() throws Exception {
    ProbeResult r =
        run(DnsProbeSpec.of(unbound.server(), "big.test", "TXT"), Duration.ofSeconds(2));
    assertThat(r.reason())
        .isEqualTo(
            "DNS "
                + unbound.server()
                + ": NOERROR, "
                + UnboundServer.BIG_RECORDS
                + " TXT answers (TCP after truncation)");
    DnsProbeSpec tcpOnly =
        new DnsProbeSpec(
            unbound.server(),
            "big.test",
            "TXT",
            null,
            true,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    assertThat(run(tcpOnly, Duration.ofSeconds(2)).reason())
        .isEqualTo(
            "DNS " + unbound.server() + ": NOERROR, " + UnboundServer.BIG_RECORDS + " TXT answers");
  }

  @Test
  void silentServerTimesOutWithinTheTimeout() throws Exception {
    try (DatagramSocket blackHole =
        new DatagramSocket(new InetSocketAddress(unbound.address.getAddress(), 0))) {
      String server =
          unbound.address.getAddress().getHostAddress() + ":" + blackHole.getLocalPort();
      long start = System.nanoTime();
      ProbeResult r = run(DnsProbeSpec.of(server, "txt.test", "TXT"), Duration.ofMillis(300));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(r.reason()).isEqualTo("DNS " + server + ": timed out after 300ms");
      assertThat(tookMs).as("took %d ms", tookMs).isBetween(290L, 300L + 400L);
    }
  }

  @Test
  void stoppedServerIsDown() throws Exception {
    try (UnboundServer other = new UnboundServer()) {
      assertThat(run(DnsProbeSpec.of(other.server(), "a.test", "A"), Duration.ofMillis(500)).isUp())
          .isTrue();
      other.stop();
      ProbeResult r = run(DnsProbeSpec.of(other.server(), "a.test", "A"), Duration.ofMillis(500));
      assertThat(r.isUp()).isFalse();
      assertThat(r.reason())
          .isIn(
              "DNS " + other.server() + ": timed out after 500ms",
              "DNS " + other.server() + ": no server listening (ICMP port unreachable)");
    }
  }
}
