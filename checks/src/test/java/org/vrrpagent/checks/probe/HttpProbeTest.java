package org.vrrpagent.checks.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vrrpagent.checks.HttpProbeSpec;
import org.vrrpagent.checks.ProbeResult;

/**
 * The http probe against real Netty HTTP and HTTPS servers with certificates from netty-pkitesting.
 */
class HttpProbeTest {
  @RegisterExtension static final ProbeRuns probes = new ProbeRuns();
  static X509Bundle ca;
  static Path caFile;
  static TestHttpServer http;
  static TestHttpServer https;
  static X509Bundle httpsLeaf;
  static TestHttpServer expired;
  static TestHttpServer expiringSoon;

  @BeforeAll
  static void start() throws Exception {
    Instant now = Instant.now();
    ca =
        new CertificateBuilder()
            .subject("CN=vrrp-agent test CA")
            .setIsCertificateAuthority(true)
            .notBefore(now.minus(30, ChronoUnit.DAYS))
            .notAfter(now.plus(365, ChronoUnit.DAYS))
            .ecp256()
            .buildSelfSigned();
    caFile = Files.createTempFile("test-ca", ".pem");
    Files.writeString(caFile, ca.getCertificatePEM());
    http = new TestHttpServer(null);
    httpsLeaf = leaf(now.minus(1, ChronoUnit.DAYS), now.plus(90, ChronoUnit.DAYS));
    https = new TestHttpServer(httpsLeaf);
    expired =
        new TestHttpServer(leaf(now.minus(90, ChronoUnit.DAYS), now.minus(2, ChronoUnit.DAYS)));
    expiringSoon =
        new TestHttpServer(
            leaf(
                now.minus(80, ChronoUnit.DAYS),
                now.plus(5, ChronoUnit.DAYS).plus(1, ChronoUnit.HOURS)));
  }

  static X509Bundle leaf(Instant notBefore, Instant notAfter) throws Exception {
    return new CertificateBuilder()
        .subject("CN=www.example.org")
        .addSanDnsName("www.example.org")
        .notBefore(notBefore)
        .notAfter(notAfter)
        .ecp256()
        .addExtendedKeyUsageServerAuth()
        .buildIssuedBy(ca);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {http, https, expired, expiringSoon}) {
      if (c != null) {
        c.close();
      }
    }
    Files.deleteIfExists(caFile);
  }

  static ProbeResult run(HttpProbeSpec spec, Duration timeout) throws Exception {
    return probes.run(spec, timeout);
  }

  static HttpProbeSpec spec(
      String url,
      String host,
      List<String> status,
      String contains,
      String regex,
      Boolean verify,
      List<String> pins,
      Integer maxBody) {
    return new HttpProbeSpec(
        url,
        null,
        host,
        null,
        null,
        status,
        contains,
        regex,
        verify,
        url.startsWith("https") && (verify == null || verify) ? caFile : null,
        pins,
        null,
        maxBody);
  }

  @Test
  void statusAndBody() throws Exception {
    String url = "http://127.0.0.1:" + http.port;
    assertThat(run(HttpProbeSpec.of(url + "/ok"), Duration.ofSeconds(2)).reason())
        .isEqualTo("HTTP 200");
    assertThat(run(HttpProbeSpec.of(url + "/503"), Duration.ofSeconds(2)).reason())
        .isEqualTo("HTTP 503 (expected: 200)");
    assertThat(
            run(
                    spec(
                        url + "/503",
                        null,
                        List.of("200-299", "503"),
                        null,
                        null,
                        null,
                        null,
                        null),
                    Duration.ofSeconds(2))
                .isUp())
        .isTrue();
    assertThat(
            run(
                    spec(
                        url + "/ok",
                        "www.example.org",
                        null,
                        "Welcome to www.example.org",
                        null,
                        null,
                        null,
                        null),
                    Duration.ofSeconds(2))
                .isUp())
        .isTrue();
    ProbeResult wrongBody =
        run(
            spec(url + "/ok", null, null, "Welcome to www.example.org", null, null, null, null),
            Duration.ofSeconds(2));
    int bodyBytes = ("<h1>Welcome to 127.0.0.1:" + http.port + "</h1>\n").length();
    assertThat(wrongBody.reason())
        .isEqualTo(
            "HTTP 200: body does not contain \"Welcome to www.example.org\" (read "
                + bodyBytes
                + " bytes)");
    assertThat(
            run(
                    spec(url + "/ok", null, null, null, "Welcome to [0-9.:]+<", null, null, null),
                    Duration.ofSeconds(2))
                .isUp())
        .isTrue();
  }

  @Test
  void bodyIsReadOnlyUpToTheLimit() throws Exception {
    String url = "http://127.0.0.1:" + http.port + "/big";
    ProbeResult r =
        run(spec(url, null, null, "END", null, null, null, 4096), Duration.ofSeconds(2));
    assertThat(r.reason()).isEqualTo("HTTP 200: body does not contain \"END\" (read 4096 bytes)");
    assertThat(
            run(spec(url, null, null, "aaaa", null, null, null, 4096), Duration.ofSeconds(2))
                .isUp())
        .isTrue();
  }

  @Test
  void oversizedHeadersAreRefused() throws Exception {
    ProbeResult r =
        run(HttpProbeSpec.of("http://127.0.0.1:" + http.port + "/headers"), Duration.ofSeconds(2));
    assertThat(r.isUp()).isFalse();
    assertThat(r.reason())
        .isEqualTo("HTTP: bad response (HTTP header is larger than 16384 bytes.)");
  }

  @Test
  void slowResponseTimesOut() throws Exception {
    ProbeResult r =
        run(HttpProbeSpec.of("http://127.0.0.1:" + http.port + "/slow"), Duration.ofMillis(300));
    assertThat(r.reason()).isEqualTo("HTTP: timed out after 300ms waiting for the response");
  }

  @Test
  void refusedConnection() throws Exception {
    int closed = UnboundServer.freePort("127.0.0.1");
    ProbeResult r =
        run(HttpProbeSpec.of("http://127.0.0.1:" + closed + "/"), Duration.ofSeconds(1));
    assertThat(r.reason()).isEqualTo("HTTP connect 127.0.0.1:" + closed + ": connection refused");
  }

  @Test
  void httpsVerifiesAgainstTheCaAndTheHostName() throws Exception {
    String url = "https://127.0.0.1:" + https.port + "/ok";
    ProbeResult ok =
        run(
            spec(
                url, "www.example.org", null, "Welcome to www.example.org", null, null, null, null),
            Duration.ofSeconds(3));
    assertThat(ok.reason()).isEqualTo("HTTP 200");
    assertThat(ok.warning()).isEmpty();
    assertThat(ok.certificateNotAfter()).isPresent();
    // wrong name: the certificate is for www.example.org
    ProbeResult wrongName =
        run(
            spec(url, "mail.example.org", null, null, null, null, null, null),
            Duration.ofSeconds(3));
    assertThat(wrongName.isUp()).isFalse();
    assertThat(wrongName.reason())
        .isEqualTo(
            "HTTP: TLS: certificate does not match the host name (No subject alternative DNS name matching mail.example.org found.)");
    // system trust does not know our test CA
    ProbeResult untrusted =
        run(
            new HttpProbeSpec(
                url,
                null,
                "www.example.org",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null),
            Duration.ofSeconds(3));
    assertThat(untrusted.isUp()).isFalse();
    assertThat(untrusted.reason())
        .isEqualTo(
            "HTTP: TLS: certificate not trusted (no chain to a trusted CA; set ca-file, tls-pin or tls-verify: false)");
    // verification off: up
    assertThat(
            run(
                    spec(url, "www.example.org", null, null, null, false, null, null),
                    Duration.ofSeconds(3))
                .isUp())
        .isTrue();
  }

  @Test
  void expiredCertificateIsDownWhenVerifiedAndAWarningWhenNot() throws Exception {
    String url = "https://127.0.0.1:" + expired.port + "/ok";
    ProbeResult verified =
        run(
            spec(url, "www.example.org", null, null, null, null, null, null),
            Duration.ofSeconds(3));
    assertThat(verified.isUp()).isFalse();
    assertThat(verified.reason()).startsWith("HTTP: TLS: certificate expired");
    ProbeResult unverified =
        run(
            spec(url, "www.example.org", null, null, null, false, null, null),
            Duration.ofSeconds(3));
    assertThat(unverified.isUp()).isTrue();
    assertThat(unverified.warning()).startsWith("certificate for www.example.org expired ");
  }

  @Test
  void certificateCloseToExpiryIsUpWithAWarningAndItsDate() throws Exception {
    String url = "https://127.0.0.1:" + expiringSoon.port + "/ok";
    ProbeResult r =
        run(
            spec(url, "www.example.org", null, null, null, null, null, null),
            Duration.ofSeconds(3));
    assertThat(r.isUp()).isTrue();
    assertThat(r.warning()).startsWith("certificate for www.example.org expires in 5d (");
    assertThat(r.certificateNotAfter().orElseThrow())
        .isAfter(Instant.now().plus(5, ChronoUnit.DAYS));
  }

  @Test
  void pinnedKeyMustMatch() throws Exception {
    String url = "https://127.0.0.1:" + https.port + "/ok";
    String leafPin = TlsTrust.spkiSha256(httpsLeaf.getCertificate());
    String otherPin = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    assertThat(
            run(
                    spec(url, "www.example.org", null, null, null, null, List.of(leafPin), null),
                    Duration.ofSeconds(3))
                .isUp())
        .isTrue();
    // pin alone, no chain verification (a self-signed server)
    assertThat(
            run(
                    spec(url, "www.example.org", null, null, null, false, List.of(leafPin), null),
                    Duration.ofSeconds(3))
                .isUp())
        .isTrue();
    ProbeResult wrong =
        run(
            spec(url, "www.example.org", null, null, null, false, List.of(otherPin), null),
            Duration.ofSeconds(3));
    assertThat(wrong.isUp()).isFalse();
    assertThat(wrong.reason())
        .contains(
            "no certificate matches tls-pin (server certificate "
                + TlsTrust.fingerprintSha256(httpsLeaf.getCertificate()));
    // the certificate fingerprint form, as openssl prints it (upper case, colons)
    String fingerprint =
        java.util.HexFormat.ofDelimiter(":")
            .withUpperCase()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(httpsLeaf.getCertificate().getEncoded()));
    assertThat(
            run(
                    spec(
                        url,
                        "www.example.org",
                        null,
                        null,
                        null,
                        false,
                        List.of(fingerprint),
                        null),
                    Duration.ofSeconds(3))
                .isUp())
        .isTrue();
  }

  @Test
  void connectToSendsTheSiteNameToTheGivenAddress() throws Exception {
    HttpProbeSpec s =
        new HttpProbeSpec(
            "https://www.example.org:" + https.port + "/ok",
            null,
            null,
            "127.0.0.1",
            "ipv4",
            null,
            "Welcome to www.example.org:" + https.port,
            null,
            null,
            caFile,
            null,
            null,
            null);
    assertThat(run(s, Duration.ofSeconds(3)).reason()).isEqualTo("HTTP 200");
    // A family that contradicts connect-to cannot be configured (validate says so at the family
    // key).
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new HttpProbeSpec(
                    "https://www.example.org:" + https.port + "/ok",
                    null,
                    null,
                    "127.0.0.1",
                    "ipv6",
                    null,
                    null,
                    null,
                    null,
                    caFile,
                    null,
                    null,
                    null))
        .isInstanceOfSatisfying(
            org.vrrpagent.checks.InvalidOptionException.class,
            e -> assertThat(e.key()).isEqualTo("family"))
        .hasMessage(
            "family ipv6 contradicts connect-to 127.0.0.1 (expected: the family of connect-to, or no family)");
  }
}
