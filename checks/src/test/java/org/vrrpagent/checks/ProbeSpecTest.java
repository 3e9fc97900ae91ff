package org.vrrpagent.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Defaults, limits and the messages operators see for bad values. */
class ProbeSpecTest {

  @Test
  void dnsDefaults() {
    DnsProbeSpec s = DnsProbeSpec.of("127.0.0.1", "cam.ac.uk", null);
    assertThat(s.type()).isEqualTo("A");
    assertThat(s.dnsClass()).isEqualTo("IN");
    assertThat(s.expectRcode()).isEqualTo("NOERROR");
    assertThat(s.tcp()).isFalse();
    assertThat(s.requireAnswer()).isFalse();
    assertThat(s.serverAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 53));
    assertThat(s.describe()).isEqualTo("dns 127.0.0.1 cam.ac.uk A");
  }

  @Test
  void dnsServerForms() {
    assertThat(DnsProbeSpec.of("127.0.0.1:5353", "x", "TXT").serverAddress())
        .isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
    assertThat(DnsProbeSpec.of("::1", "x", "TXT").serverAddress())
        .isEqualTo(new InetSocketAddress("::1", 53));
    assertThat(DnsProbeSpec.of("[::1]:5353", "x", "TXT").serverAddress())
        .isEqualTo(new InetSocketAddress("::1", 5353));
    assertThat(DnsProbeSpec.of("[fd00:198:18::1]:5353", "x", "TXT").serverLabel())
        .isEqualTo("[fd00:198:18::1]:5353");
  }

  @Test
  void badValuesNameTheKey() {
    assertRefused(
        () -> DnsProbeSpec.of("local host", "x", "A"),
        "server",
        "server \"local host\": not a host[:port] (expected: e.g. 127.0.0.1, 127.0.0.1:5353 or [::1]:53)");
    assertThat(DnsProbeSpec.of("localhost:5353", "x", "A").serverLabel())
        .isEqualTo("localhost:5353");
    assertThat(
            DnsProbeSpec.of("localhost", "x", "A").serverAddress().getAddress().isLoopbackAddress())
        .isTrue();
    assertRefused(
        () -> DnsProbeSpec.of("127.0.0.1:99999", "x", "A"),
        "server",
        "server \"127.0.0.1:99999\": port \"99999\" (expected: 1..65535)");
    assertRefused(
        () -> DnsProbeSpec.of("127.0.0.1", "x", "TXTT"),
        "type",
        "type \"TXTT\" (expected: a record type such as A, AAAA, TXT, SOA, MX, NS, PTR, SRV, CAA, or TYPEnnn)");
    assertRefused(
        () -> DnsProbeSpec.of("127.0.0.1", "x", "BOGUS"),
        "type",
        "type \"BOGUS\" (expected: a record type such as A, AAAA, TXT, SOA, MX, NS, PTR, SRV, CAA, or TYPEnnn)");
    assertRefused(
        () -> HttpProbeSpec.of("ftp://x/"),
        "url",
        "url \"ftp://x/\" (expected: an http:// or https:// URL with a host)");
    assertRefused(
        () ->
            new HttpProbeSpec(
                "http://x/",
                null,
                null,
                null,
                null,
                List.of("2xx"),
                null,
                null,
                null,
                null,
                null,
                null,
                null),
        "expect-status",
        "expect-status \"2xx\" (expected: a status 100..599, a range like 200-299, or a list of them)");
    assertRefused(
        () ->
            new HttpProbeSpec(
                "http://x/",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                20_000_000),
        "max-body-bytes",
        "max-body-bytes 20000000 out of range (expected: 1..16777216)");
    assertRefused(
        () ->
            new HttpProbeSpec(
                "https://x/",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of("abc"),
                null,
                null),
        "tls-pin",
        "tls-pin \"abc\" is not a SHA-256 pin (expected: a certificate's SHA-256 fingerprint, 64 hex digits,"
            + " colons allowed, or the base64 SHA-256 of its public key)");
    assertThat(
            new HttpProbeSpec(
                    "https://x/",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    List.of("AB:" + "cd".repeat(31)),
                    null,
                    null)
                .tlsPin())
        .containsExactly("ab" + "cd".repeat(31));
    assertRefused(
        () ->
            new HttpProbeSpec(
                "http://x/",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Path.of("/ca.pem"),
                null,
                null,
                null),
        "ca-file",
        "ca-file is set for an http:// URL (expected: an https:// URL, or no ca-file)");
    assertRefused(
        () ->
            new HttpProbeSpec(
                "https://x/",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Path.of("ca.pem"),
                null,
                null,
                null),
        "ca-file",
        "ca-file \"ca.pem\" is not an absolute path (expected: a path starting with /)");
    assertRefused(
        () -> new TcpProbeSpec("127.0.0.1", null, null, null, null),
        "port",
        "missing port (expected: 1..65535)");
    assertRefused(
        () -> new TcpProbeSpec("127.0.0.1", 0, null, null, null),
        "port",
        "port 0 out of range (expected: 1..65535)");
    assertThat(TcpProbeSpec.of("::1", 25).label()).isEqualTo("[::1]:25");
    assertThat(TcpProbeSpec.of("fd00:198:18:0:0:0:0:53", 53).label())
        .isEqualTo("[fd00:198:18::53]:53");
    assertThat(TcpProbeSpec.of("[fd00:198:18::53]", 53).socketAddress().getPort()).isEqualTo(53);
    assertRefused(
        () -> new TcpProbeSpec("127.0.0.1", 25, null, "([", null),
        "expect",
        "expect \"([\" is not a valid regular expression: Unclosed character class (expected: a Java regular expression)");
    assertRefused(
        () -> new ProcessProbeSpec(null, null, null, null),
        "",
        "process probe has none of name, cmdline, pid-file (expected: name, cmdline, both, or pid-file alone)");
    assertRefused(
        () -> ProcessProbeSpec.named("a-very-long-process-name"),
        "name",
        "process name \"a-very-long-process-name\""
            + " (expected: the kernel's name of at most 15 characters without \"/\"; use cmdline for the full command line)");
    assertRefused(
        () -> new ScriptProbeSpec(List.of(), null, null, null),
        "exec",
        "exec is empty (expected: the program's absolute path, then its arguments)");
    assertRefused(
        () -> new ScriptProbeSpec(List.of("/x"), null, Duration.ofMinutes(2), null),
        "kill-grace",
        "kill-grace 2m out of range (expected: 0s..1m)");
    assertRefused(
        () -> new InterfaceProbeSpec("eth0", "flags"),
        "source",
        "source \"flags\" (expected: operstate or carrier)");
    assertRefused(
        () ->
            new CheckSpec(
                "bad name", new FileProbeSpec(Path.of("/x")), null, null, null, null, null),
        "",
        "check name \"bad name\" (expected: letters, digits, \"_\", \"-\" or \".\", at most 64 characters)");
    assertRefused(
        () ->
            new CheckSpec(
                "c",
                new FileProbeSpec(Path.of("/x")),
                Duration.ofMillis(5),
                null,
                null,
                null,
                null),
        "interval",
        "interval 5ms out of range (expected: 10ms..1h)");
    assertRefused(
        () -> new CheckSpec("c", new FileProbeSpec(Path.of("/x")), null, null, 0, null, null),
        "rise",
        "rise 0 out of range (expected: 1..100)");
  }

  @Test
  void expectedAnswersAreParsedAsTheTypesData() {
    assertRefused(
        () ->
            new DnsProbeSpec(
                "127.0.0.1",
                "x",
                "A",
                null,
                null,
                null,
                null,
                null,
                List.of("not-an-address"),
                null,
                null,
                null),
        "expect-answers",
        "expect-answers \"not-an-address\" is not A data (expected: an IPv4 address, e.g. 198.18.0.1)");
    assertRefused(
        () ->
            new DnsProbeSpec(
                "127.0.0.1",
                "x",
                "AAAA",
                null,
                null,
                null,
                null,
                null,
                List.of("198.18.0.1"),
                null,
                null,
                null),
        "expect-answers",
        "expect-answers \"198.18.0.1\" is not AAAA data (expected: an IPv6 address, e.g. fd00:198:18::1)");
    assertThat(
            new DnsProbeSpec(
                    "127.0.0.1",
                    "x",
                    "MX",
                    null,
                    null,
                    null,
                    null,
                    null,
                    List.of("10 mail.example.org"),
                    null,
                    null,
                    null)
                .expectAnswers())
        .as("names made absolute, as answers show them")
        .containsExactly("10 mail.example.org.");
    assertThat(
            new DnsProbeSpec(
                    "127.0.0.1",
                    "x",
                    "TXT",
                    null,
                    null,
                    null,
                    null,
                    null,
                    List.of("v=spf1 -all"),
                    null,
                    null,
                    null)
                .expectAnswers())
        .as("TXT compared as written")
        .containsExactly("v=spf1 -all");
    assertRefused(
        () ->
            new DnsProbeSpec(
                "127.0.0.1", "x", "A", "XX", null, null, null, null, null, null, null, null),
        "class",
        "class \"XX\" (expected: IN, CH or HS)");
  }

  private static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String key, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidOptionException.class,
            e -> {
              assertThat(e.key()).isEqualTo(key);
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }

  @Test
  void checkDefaults() {
    CheckSpec c = CheckSpec.of("named_ok", DnsProbeSpec.of("127.0.0.1", "cam.ac.uk", "TXT"));
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.timeout()).isEqualTo(c.interval());
    assertThat(c.rise()).isEqualTo(1);
    assertThat(c.fall()).isEqualTo(1);
    assertThat(c.initial()).isEqualTo(CheckSpec.Initial.DOWN);
    CheckSpec slow = new CheckSpec("x", c.probe(), Duration.ofSeconds(10), null, null, null, null);
    assertThat(slow.timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void httpDerivedValues() {
    HttpProbeSpec s =
        new HttpProbeSpec(
            "https://127.0.0.1/index.txt",
            null,
            "www.example.org",
            null,
            null,
            List.of("200", "301-302"),
            "Welcome to",
            null,
            null,
            null,
            null,
            null,
            null);
    assertThat(s.port()).isEqualTo(443);
    assertThat(s.requestHost()).isEqualTo("www.example.org");
    assertThat(s.statusExpected(200)).isTrue();
    assertThat(s.statusExpected(302)).isTrue();
    assertThat(s.statusExpected(303)).isFalse();
    assertThat(s.tlsVerify()).isTrue();
    assertThat(s.certExpiryWarning()).isEqualTo(Duration.ofDays(14));
    assertThat(s.maxBodyBytes()).isEqualTo(65536);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomServerStringsEitherParseOrSayWhy(long seed) {
    // Seeded property: any string either yields a server whose label parses back to the same
    // server, or an
    // IllegalArgumentException naming the key — never another exception. Nothing is resolved here:
    // a host
    // name is only looked up when a probe is created, and tests must not ask the machine's
    // resolver.
    Random random = new Random(seed);
    String alphabet = "0123456789.:[]abcdef ";
    for (int i = 0; i < 2000; i++) {
      StringBuilder b = new StringBuilder();
      int n = 1 + random.nextInt(20);
      for (int j = 0; j < n; j++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String text = b.toString();
      try {
        DnsProbeSpec s = DnsProbeSpec.of(text, "x", "A");
        assertThat(DnsProbeSpec.of(s.serverLabel(), "x", "A").serverLabel())
            .as("seed=%d %s", seed, text)
            .isEqualTo(s.serverLabel());
      } catch (IllegalArgumentException e) {
        assertThat(e)
            .as("seed=%d %s", seed, text)
            .isInstanceOfSatisfying(
                InvalidOptionException.class, o -> assertThat(o.key()).isEqualTo("server"));
        assertThat(e.getMessage())
            .as("seed=%d %s", seed, text)
            .matches("(server \"|missing server ).*\\(expected: .*\\)");
      }
    }
  }
}
