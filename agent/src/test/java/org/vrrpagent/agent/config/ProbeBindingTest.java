package org.vrrpagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.DnsProbeSpec;
import org.vrrpagent.checks.FileProbeSpec;
import org.vrrpagent.checks.HttpProbeSpec;
import org.vrrpagent.checks.InterfaceProbeSpec;
import org.vrrpagent.checks.ProcessProbeSpec;
import org.vrrpagent.checks.ScriptProbeSpec;
import org.vrrpagent.checks.TcpProbeSpec;

/**
 * Every probe kind, every option: the YAML key lands in the spec record the running check is built
 * from (one model; nothing converted back to strings and parsed again).
 */
class ProbeBindingTest {
  @TempDir Path dir;

  private CheckSpec check(String body) throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        """
        instances:
          dns0:
            interface: eth0
            vrid: 51
            addresses: [198.18.0.100/24]
            track: [{ check: c1, weight: -10 }]
        checks:
          c1:
        """
            + body.indent(4));
    return ConfigLoader.load(file).checks().get("c1");
  }

  @Test
  void dnsWithEveryOption() throws Exception {
    CheckSpec c =
        check(
            """
        dns: { server: "127.0.0.1:5353", name: example.org, type: mx, class: IN, tcp: true, dnssec: true,
               require-ad: true, expect-rcode: noerror, expect-answers: ["10 mail.example.org"],
               answer-contains: mail, answer-regex: "^10 ", require-answer: true }
        interval: 2s
        timeout: 500ms
        rise: 3
        fall: 4
        initial: up
        """);
    assertThat(c)
        .isEqualTo(
            new CheckSpec(
                "c1",
                new DnsProbeSpec(
                    "127.0.0.1:5353",
                    "example.org",
                    "MX",
                    "IN",
                    true,
                    true,
                    true,
                    "NOERROR",
                    List.of("10 mail.example.org."),
                    "mail",
                    "^10 ",
                    true),
                Duration.ofSeconds(2),
                Duration.ofMillis(500),
                3,
                4,
                CheckSpec.Initial.UP));
  }

  @Test
  void httpWithEveryOption() throws Exception {
    String hex = "ab".repeat(32);
    String spki = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    CheckSpec c =
        check(
            """
        http:
          url: https://www.example.org:8443/health
          method: head
          host: www.example.org
          connect-to: 127.0.0.1
          family: ipv4
          expect-status: [200, 301-302]
          body-contains: ok
          body-regex: "o+k"
          tls-verify: true
          ca-file: certs/ca.pem
          tls-pin: [%s, %s]
          cert-expiry-warning: 7d
          max-body-bytes: 1000
        """
                .formatted(hex, spki));
    assertThat(c.probe())
        .isEqualTo(
            new HttpProbeSpec(
                "https://www.example.org:8443/health",
                "HEAD",
                "www.example.org",
                "127.0.0.1",
                "ipv4",
                List.of("200", "301-302"),
                "ok",
                "o+k",
                true,
                dir.resolve("certs/ca.pem"),
                List.of(hex, spki),
                Duration.ofDays(7),
                1000));
  }

  @Test
  void aSinglePinIsAListOfOne() throws Exception {
    String spki = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    CheckSpec c =
        check(
            "http: { url: \"https://127.0.0.1/\", tls-verify: false, tls-pin: \"" + spki + "\" }");
    assertThat(((HttpProbeSpec) c.probe()).tlsPin()).containsExactly(spki);
    assertThat(((HttpProbeSpec) c.probe()).tlsVerify()).isFalse();
  }

  @Test
  void tcpProcessScriptFileAndInterface() throws Exception {
    assertThat(
            check(
                    "tcp: { host: \"::1\", port: 25, send: \"QUIT\\\\r\\\\n\", expect: \"^220 \", expect-within: 512 }")
                .probe())
        .isEqualTo(new TcpProbeSpec("::1", 25, "QUIT\\r\\n", "^220 ", 512));
    assertThat(
            check("process: { name: java, cmdline: \"-jar /opt/app.jar\", min-count: 2 }").probe())
        .isEqualTo(new ProcessProbeSpec("java", "-jar /opt/app.jar", null, 2));
    assertThat(check("process: { pid-file: /run/named/named.pid }").probe())
        .isEqualTo(new ProcessProbeSpec(null, null, Path.of("/run/named/named.pid"), null));
    assertThat(
            check(
                    "script: { exec: [./check-replication, --max-lag, \"30\"], user: nobody, max-output-bytes: 100, kill-grace: 2s }")
                .probe())
        .isEqualTo(
            new ScriptProbeSpec(
                List.of(dir.resolve("check-replication").toString(), "--max-lag", "30"),
                "nobody",
                Duration.ofSeconds(2),
                100));
    assertThat(check("file: { path: weight.dns }").probe())
        .isEqualTo(new FileProbeSpec(dir.resolve("weight.dns")));
    assertThat(check("interface: { name: eth1, source: carrier }").probe())
        .isEqualTo(new InterfaceProbeSpec("eth1", "carrier"));
    assertThat(check("interface: { name: eth1 }").probe())
        .isEqualTo(new InterfaceProbeSpec("eth1", "operstate"));
  }

  @Test
  void theProbeDecidesAndTheLoaderSaysWhere() throws Exception {
    var e =
        assertThatExceptionOfType(ConfigException.class)
            .isThrownBy(
                () ->
                    check(
                        """
        dns: { server: 127.0.0.1, name: example.org, type: AAAA, expect-answers: [198.18.0.1] }
        """))
            .actual();
    assertThat(e.errors())
        .singleElement()
        .satisfies(
            err -> {
              assertThat(err.line()).isEqualTo(9);
              assertThat(err.message())
                  .isEqualTo(
                      "expect-answers \"198.18.0.1\" is not AAAA data (expected: an IPv6 address, e.g. fd00:198:18::1)");
            });
  }

  @Test
  void aCaFileIsReadWhenTheFilesAreLookedAt() throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        """
        instances:
          dns0: { interface: eth0, vrid: 51, addresses: [198.18.0.100/24], track: [{ check: web, weight: -10 }] }
        checks:
          web:
            http: { url: "https://www.example.org/", connect-to: 127.0.0.1, ca-file: ca.pem }
        """);
    assertThat(ConfigLoader.load(file).checks()).containsKey("web"); // --syntax-only: not looked at
    var missing =
        assertThatExceptionOfType(ConfigException.class)
            .isThrownBy(() -> ConfigLoader.load(file, new ScriptSecurity(false)))
            .actual();
    assertThat(missing.errors())
        .singleElement()
        .hasToString(
            file
                + ":5:78: ca-file "
                + dir.resolve("ca.pem")
                + " cannot be read: no such file (expected: a readable file of PEM certificates)");
    Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
    var empty =
        assertThatExceptionOfType(ConfigException.class)
            .isThrownBy(() -> ConfigLoader.load(file, new ScriptSecurity(false)))
            .actual();
    assertThat(empty.errors())
        .singleElement()
        .satisfies(
            err ->
                assertThat(err.message())
                    .startsWith("ca-file " + dir.resolve("ca.pem") + " holds no"));
  }
}
