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
        assertThat(DnsProbeSpec.of("127.0.0.1:5353", "x", "TXT").serverAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
        assertThat(DnsProbeSpec.of("::1", "x", "TXT").serverAddress()).isEqualTo(new InetSocketAddress("::1", 53));
        assertThat(DnsProbeSpec.of("[::1]:5353", "x", "TXT").serverAddress()).isEqualTo(new InetSocketAddress("::1", 5353));
        assertThat(DnsProbeSpec.of("[fd00:198:18::1]:5353", "x", "TXT").serverLabel()).isEqualTo("[fd00:198:18:0:0:0:0:1]:5353");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> DnsProbeSpec.of("local host", "x", "A"))
                .hasMessage("dns.server: local host (expected: an address or host name, optionally with :port)");
        assertThat(DnsProbeSpec.of("localhost:5353", "x", "A").serverLabel()).isEqualTo("localhost:5353");
        assertThat(DnsProbeSpec.of("localhost", "x", "A").serverAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> DnsProbeSpec.of("127.0.0.1:99999", "x", "A"))
                .hasMessage("dns.server: port 99999 (expected: 1..65535)");
        assertThatThrownBy(() -> DnsProbeSpec.of("127.0.0.1", "x", "TXTT"))
                .hasMessage("dns.type: TXTT (expected: a record type such as A, AAAA, TXT, SOA)");
        assertThatThrownBy(() -> HttpProbeSpec.of("ftp://x/"))
                .hasMessage("http.url: ftp://x/ (expected: http://host[:port]/path or https://…)");
        assertThatThrownBy(() -> new HttpProbeSpec("http://x/", null, null, null, null, List.of("2xx"), null, null, null, null, null, null, null))
                .hasMessage("http.expect-status: 2xx (expected: a status 100..599 or a range like 200-299)");
        assertThatThrownBy(() -> new HttpProbeSpec("http://x/", null, null, null, null, null, null, null, null, null, null, null, 20_000_000))
                .hasMessage("http.max-body-bytes: 20000000 (expected: 0..16777216)");
        assertThatThrownBy(() -> new HttpProbeSpec("https://x/", null, null, null, null, null, null, null, null, null, List.of("abc"), null, null))
                .hasMessageStartingWith("http.tls-pin: abc (expected: a SHA-256 certificate fingerprint in hex");
        assertThat(new HttpProbeSpec("https://x/", null, null, null, null, null, null, null, null, null,
                List.of("AB:" + "cd".repeat(31)), null, null).tlsPin()).containsExactly("ab" + "cd".repeat(31));
        assertThatThrownBy(() -> new TcpProbeSpec("127.0.0.1", null, null, null, null))
                .hasMessage("tcp.port: missing (expected: 1..65535)");
        assertThatThrownBy(() -> new TcpProbeSpec("127.0.0.1", 0, null, null, null))
                .hasMessage("tcp.port: 0 (expected: 1..65535)");
        assertThat(TcpProbeSpec.of("::1", 25).label()).isEqualTo("[::1]:25");
        assertThatThrownBy(() -> new TcpProbeSpec("127.0.0.1", 25, null, "([", null))
                .hasMessageStartingWith("tcp.expect: invalid regex ([");
        assertThatThrownBy(() -> new ProcessProbeSpec(null, null, null, null))
                .hasMessage("process: no name, cmdline or pid-file (expected: at least one)");
        assertThatThrownBy(() -> ProcessProbeSpec.named("a-very-long-process-name"))
                .hasMessageStartingWith("process.name: a-very-long-process-name (expected: 1..15 characters");
        assertThatThrownBy(() -> new ScriptProbeSpec(List.of(), null, null, null))
                .hasMessage("script.exec: empty (expected: [program, arg, …])");
        assertThatThrownBy(() -> new ScriptProbeSpec(List.of("x"), null, Duration.ofMinutes(2), null))
                .hasMessage("script.kill-grace: 2m (expected: 0s..1m)");
        assertThatThrownBy(() -> new InterfaceProbeSpec("eth0", "flags"))
                .hasMessage("interface.source: flags (expected: operstate or carrier)");
        assertThatThrownBy(() -> new CheckSpec("bad name", new FileProbeSpec(Path.of("x")), null, null, null, null, null))
                .hasMessage("check name: bad name (expected: 1..64 characters of A-Z a-z 0-9 _ . -)");
        assertThatThrownBy(() -> new CheckSpec("c", new FileProbeSpec(Path.of("x")), Duration.ofMillis(5), null, null, null, null))
                .hasMessage("checks.c.interval: 5ms (expected: 10ms..1h)");
        assertThatThrownBy(() -> new CheckSpec("c", new FileProbeSpec(Path.of("x")), null, null, 0, null, null))
                .hasMessage("checks.c.rise: 0 (expected: 1..100)");
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
        HttpProbeSpec s = new HttpProbeSpec("https://127.0.0.1/index.txt", null, "www.example.org", null, null,
                List.of("200", "301-302"), "Welcome to", null, null, null, null, null, null);
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
        // Seeded property: any string either yields a server whose label parses back to the same server, or an
        // IllegalArgumentException naming the key — never another exception. Nothing is resolved here: a host
        // name is only looked up when a probe is created, and tests must not ask the machine's resolver.
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
                assertThat(DnsProbeSpec.of(s.serverLabel(), "x", "A").serverLabel()).as("seed=%d %s", seed, text)
                        .isEqualTo(s.serverLabel());
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).as("seed=%d %s", seed, text).startsWith("dns.server: ");
            }
        }
    }
}
