package org.vrrpagent.agent.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * Debian's BIND 9 as a primary for example.org that takes RFC 2136 updates signed with one TSIG key
 * (update-policy), listening on a lab host's eth0 address, with its own directory (zone, journal,
 * pid file) under the lab's work directory; killed with the lab.
 */
final class Bind {
  static final String ZONE =
      """
      $TTL 60
      @ IN SOA ns1.example.org. hostmaster.example.org. 1 3600 900 1209600 60
        IN NS ns1.example.org.
      ns1 IN A 198.18.0.13
      www IN A 198.18.0.99
      standby IN A 198.18.0.98
      """;

  final Path dir;
  final String address;
  NetnsLab.LabProcess process;

  private Bind(Path dir, String address) {
    this.dir = dir;
    this.address = address;
  }

  /** A key file as {@code tsig-keygen -a hmac-sha256 NAME} prints it. */
  static Path keygen(NetnsLab lab, String name, String file) {
    Path key = lab.workDir().resolve(file);
    String clause = lab.execChecked(1, "tsig-keygen", "-a", "hmac-sha256", name);
    try {
      Files.writeString(key, clause);
      Files.setPosixFilePermissions(
          key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return key;
  }

  /** Writes the configuration (zone, the key allowed to update it); {@link #start} starts it. */
  static Bind prepare(NetnsLab lab, int host, Path key) {
    Path dir = lab.workDir().resolve("named-h" + host);
    String address = lab.ipv4(host).getHostAddress();
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("example.org.db"), ZONE);
      Files.writeString(
          dir.resolve("named.conf"),
          """
          include "%2$s";
          options {
            directory "%1$s";
            pid-file "%1$s/named.pid";
            listen-on port 53 { %3$s; };
            listen-on-v6 { none; };
            recursion no;
            dnssec-validation no;
            session-keyfile "%1$s/session.key";
            managed-keys-directory "%1$s";
          };
          controls { };
          zone "example.org" {
            type primary;
            file "%1$s/example.org.db";
            update-policy { grant vrrp-agent. zonesub A AAAA; };
          };
          """
              .formatted(dir, key, address));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Bind(dir, address);
  }

  Bind start(NetnsLab lab, int host) {
    process =
        lab.start(
            host,
            "/usr/sbin/named",
            "-g",
            "-u",
            "root",
            "-c",
            dir.resolve("named.conf").toString());
    Awaitility.await("named on host " + host + " answers")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !answer(lab, host, "example.org", "SOA").isEmpty());
    return this;
  }

  /** {@code dig +short} at the server, from {@code host}. */
  String answer(NetnsLab lab, int host, String name, String type) {
    return lab.exec(host, "dig", "@" + address, "+time=1", "+tries=1", "+short", name, type)
        .stdout()
        .strip();
  }
}
