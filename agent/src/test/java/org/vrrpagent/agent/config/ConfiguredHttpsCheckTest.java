package org.vrrpagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.probe.ProbeFactory;
import org.vrrpagent.checks.probe.TestHttpServer;

/**
 * {@code ca-file} and a {@code tls-pin} list (hex fingerprint, base64 SPKI) written in YAML, loaded
 * as {@code validate} and {@code run} load them, against a real TLS server with a certificate chain
 * from netty-pkitesting.
 */
class ConfiguredHttpsCheckTest {
  @TempDir static Path dir;
  static X509Bundle ca;
  static X509Bundle leaf;
  static TestHttpServer https;
  static ProbeFactory probes;

  @BeforeAll
  static void start() throws Exception {
    Instant now = Instant.now();
    ca =
        new CertificateBuilder()
            .subject("CN=config test CA")
            .setIsCertificateAuthority(true)
            .notBefore(now.minus(1, ChronoUnit.DAYS))
            .notAfter(now.plus(30, ChronoUnit.DAYS))
            .ecp256()
            .buildSelfSigned();
    leaf =
        new CertificateBuilder()
            .subject("CN=www.example.org")
            .addSanDnsName("www.example.org")
            .notBefore(now.minus(1, ChronoUnit.DAYS))
            .notAfter(now.plus(30, ChronoUnit.DAYS))
            .ecp256()
            .addExtendedKeyUsageServerAuth()
            .buildIssuedBy(ca);
    Files.writeString(dir.resolve("internal-ca.pem"), ca.getCertificatePEM());
    https = new TestHttpServer(leaf);
    probes = new ProbeFactory();
  }

  @AfterAll
  static void stop() {
    probes.close();
    https.close();
  }

  private static ProbeResult check(String http) throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        """
        instances:
          dns0: { interface: eth0, vrid: 51, addresses: [198.18.0.100/24], track: [{ check: web, weight: -10 }] }
        checks:
          web:
            http: %s
        """
            .formatted(http));
    CheckSpec spec = ConfigLoader.load(file, new ScriptSecurity(false)).checks().get("web");
    return probes
        .create(spec.probe())
        .run(Duration.ofSeconds(3))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static String url() {
    return "\"https://www.example.org:" + https.port + "/ok\"";
  }

  private static String spki(X509Bundle b) throws Exception {
    return Base64.getEncoder()
        .encodeToString(
            MessageDigest.getInstance("SHA-256")
                .digest(b.getCertificate().getPublicKey().getEncoded()));
  }

  @Test
  void aCaFileNextToTheConfigurationIsTrusted() throws Exception {
    assertThat(check("{ url: %s, connect-to: 127.0.0.1 }".formatted(url())).reason())
        .as("the system's CAs do not know this one")
        .contains("certificate not trusted");
    assertThat(
            check("{ url: %s, connect-to: 127.0.0.1, ca-file: internal-ca.pem }".formatted(url()))
                .reason())
        .isEqualTo("HTTP 200");
  }

  @Test
  void aPinListAcceptsAChainMatchingAnyOfItsPins() throws Exception {
    String wrong = "ab".repeat(32);
    String leafSpki = spki(leaf);
    String leafFingerprint =
        HexFormat.ofDelimiter(":")
            .withUpperCase()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(leaf.getCertificate().getEncoded()));
    assertThat(
            check(
                    "{ url: %s, connect-to: 127.0.0.1, ca-file: internal-ca.pem, tls-pin: [%s, \"%s\"] }"
                        .formatted(url(), wrong, leafSpki))
                .reason())
        .isEqualTo("HTTP 200");
    assertThat(
            check(
                    "{ url: %s, connect-to: 127.0.0.1, ca-file: internal-ca.pem, tls-pin: [%s, \"%s\"] }"
                        .formatted(url(), wrong, leafFingerprint))
                .reason())
        .as("the hex form, as openssl prints it")
        .isEqualTo("HTTP 200");
    assertThat(
            check(
                    "{ url: %s, connect-to: 127.0.0.1, tls-verify: false, tls-pin: [\"%s\"] }"
                        .formatted(url(), leafSpki))
                .reason())
        .as("a pin alone, as for a self-signed server")
        .isEqualTo("HTTP 200");
    assertThat(
            check(
                    "{ url: %s, connect-to: 127.0.0.1, tls-verify: false, tls-pin: [%s] }"
                        .formatted(url(), wrong))
                .reason())
        .contains("no certificate matches tls-pin");
  }
}
