package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.Impairment;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;

/**
 * vrrp-agent's own hmac-sha256 authentication of adverts (docs/geo-failover.md), between real
 * agents on real raw sockets: two with the same secret elect as without it; a third with another
 * secret and a higher priority is dropped ({@code hmac_mismatch}) and changes nothing; every advert
 * sent twice by the kernel (a replay of the very same bytes) is dropped ({@code hmac_replay}) and
 * changes nothing; {@code validate} refuses a short or missing secret file at its line.
 */
class GeoAuthIT {
  static final Duration ELECTION = FailoverIT.ELECTION;
  static final String VIP = "198.18.0.100";

  AgentLab lab;

  @BeforeEach
  void buildLab() {
    lab = AgentLab.create(3);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  Path secret(String name, int bytes) {
    byte[] raw = new byte[bytes];
    new SecureRandom().nextBytes(raw);
    Path file = lab.write(name, Base64.getEncoder().encodeToString(raw) + "\n");
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  static String config(int host, int priority, Path secret) {
    StringBuilder peers = new StringBuilder();
    for (int h = 1; h <= 3; h++) {
      if (h != host) {
        peers.append(peers.isEmpty() ? "" : ", ").append("198.18.0.").append(10 + h);
      }
    }
    return """
        node: h%d
        instances:
          www:
            interface: eth0
            vrid: 10
            priority: %d
            advert-interval: 1s
            addresses: [%s/24]
            unicast-peers: [%s]
            auth: { type: hmac-sha256, secret-file: %s, replay-window: 30s }
        """
        .formatted(host, priority, VIP, peers, secret);
  }

  void awaitDropped(int host, String reason, double atLeast, NetnsLab.LabProcess... logs) {
    try {
      Awaitility.await("host " + host + " drops " + reason)
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> lab.dropped(host, reason) >= atLeast);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage() + " (metrics: " + lab.metrics(host) + ")" + AgentLab.logs(logs), e);
    }
  }

  CommandRunner.Result validate(int host, String yaml) {
    Path file = lab.write("validate-h" + host + ".yaml", yaml);
    return lab.lab.exec(
        host,
        AgentLab.repoRoot().resolve("bin/vrrp-agent").toString(),
        "validate",
        "--config",
        file.toString());
  }

  @Test
  @DisplayName(
      "hmac-sha256: the pair elects; a third sender with another secret and replayed adverts are"
          + " dropped and counted, and nothing changes state")
  void wrongSecretAndReplaysAreDroppedAndChangeNothing() {
    Path shared = secret("advert.key", 32);
    Path other = secret("other.key", 32);

    // validate on the host refuses a short secret and a missing file, at the line, exit 2.
    CommandRunner.Result shortSecret = validate(1, config(1, 200, secret("short.key", 16)));
    assertThat(shortSecret.exitStatus()).as(shortSecret.stderr()).isEqualTo(2);
    assertThat(shortSecret.stderr())
        .contains("validate-h1.yaml:10:")
        .contains(
            "secret-file holds a secret of 16 bytes (expected: at least 32 random bytes in base64");
    CommandRunner.Result missing =
        validate(1, config(1, 200, lab.lab.workDir().resolve("absent.key")));
    assertThat(missing.exitStatus()).as(missing.stderr()).isEqualTo(2);
    assertThat(missing.stderr()).contains("validate-h1.yaml:10:").contains("absent.key");

    NetnsLab.LabProcess h1 = lab.agent(1, config(1, 200, shared));
    lab.awaitLog(h1, "www: BACKUP -> MASTER", ELECTION);
    NetnsLab.LabProcess h2 = lab.agent(2, config(2, 100, shared));
    lab.awaitLog(h2, "www: INIT -> BACKUP", ELECTION);
    // h2 hears h1's signed adverts and stays backup: the pair elects as without authentication.
    Awaitility.await("h2 accepts h1's adverts")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                lab.metrics(2).entrySet().stream()
                    .anyMatch(
                        e ->
                            e.getKey().startsWith("vrrp_adverts_received_total{")
                                && e.getValue() >= 3));
    assertThat(lab.hasAddress(1, VIP)).isTrue();
    assertThat(lab.hasAddress(2, VIP)).isFalse();

    // A third sender with another secret and a higher priority: were its adverts believed, h1
    // would step down. Both drop them as hmac_mismatch; it hears nothing it can verify either.
    NetnsLab.LabProcess h3 = lab.agent(3, config(3, 250, other));
    lab.awaitLog(h3, "www: BACKUP -> MASTER", ELECTION);
    awaitDropped(1, "hmac_mismatch", 3, h1, h2, h3);
    awaitDropped(2, "hmac_mismatch", 3, h1, h2, h3);
    awaitDropped(3, "hmac_mismatch", 3, h1, h2, h3);
    lab.awaitLog(h3, "dropped a packet (hmac_mismatch)", Duration.ofSeconds(5));
    // The conflict alarm names it: a peer that signs with another secret.
    lab.awaitLog(
        h1,
        "www: CONFLICT with 198.18.0.13: authentication (hmac-sha256 secret) differs",
        Duration.ofSeconds(5));
    lab.kill(h3);

    // Every frame h1 sends goes out twice (the kernel's dup): the second copy of each advert is
    // a replay of the very same bytes.
    double before = lab.dropped(2, "hmac_replay");
    lab.lab.impair(1, Impairment.duplication(100));
    awaitDropped(2, "hmac_replay", before + 3, h1, h2);
    lab.lab.clearImpairment(1);

    // Nothing changed state: h1 master throughout, h2 backup throughout.
    assertThat(h1.output()).doesNotContain("MASTER -> ");
    assertThat(h2.output()).doesNotContain("BACKUP -> MASTER");
    assertThat(lab.hasAddress(1, VIP)).isTrue();
    assertThat(lab.hasAddress(2, VIP)).isFalse();
    assertThat(lab.dropped(2, "hmac_missing")).isZero();

    // And the pair still fails over: h1 killed, h2 takes over.
    lab.kill(h1);
    lab.awaitLog(h2, "www: BACKUP -> MASTER", ELECTION);
    assertThat(h2.output()).doesNotContain("Exception");
  }
}
