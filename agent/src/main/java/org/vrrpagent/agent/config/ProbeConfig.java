package org.vrrpagent.agent.config;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The probe block of a check: exactly one of {@code dns}, {@code http}, {@code tcp},
 * {@code process}, {@code script}, {@code file}, {@code interface}. These records mirror the
 * YAML; the checks module has its own probe specifications, mapped from these by the agent.
 */
public sealed interface ProbeConfig {

  /** The YAML key of this probe kind. */
  String kind();

  /**
   * {@code dns:} a query that must be answered as expected.
   *
   * @param server host name or address of the server
   * @param port server port (default 53)
   * @param name the query name
   * @param type record type mnemonic, upper case (default A)
   * @param dnsClass query class (default IN)
   * @param tcpOnly query over TCP only (default: UDP, TCP on truncation)
   * @param dnssecOk set the DO bit
   * @param requireAd the answer must carry the AD flag
   * @param expectRcode expected response code (default NOERROR)
   * @param expectAnswers exact set of answer RDATA texts; empty = any
   * @param answerContains an answer RDATA text must contain this
   * @param answerRegex an answer RDATA text must match this
   * @param requireAnswer the answer section must not be empty
   */
  record Dns(
      String server,
      int port,
      String name,
      String type,
      String dnsClass,
      boolean tcpOnly,
      boolean dnssecOk,
      boolean requireAd,
      String expectRcode,
      List<String> expectAnswers,
      Optional<String> answerContains,
      Optional<Pattern> answerRegex,
      boolean requireAnswer)
      implements ProbeConfig {
    public Dns {
      Objects.requireNonNull(server, "server");
      Objects.requireNonNull(name, "name");
      expectAnswers = List.copyOf(expectAnswers);
    }

    @Override
    public String kind() {
      return "dns";
    }
  }

  /** An inclusive range of HTTP status codes; a single code is a range of one. */
  record StatusRange(int from, int to) {
    public boolean contains(int status) {
      return status >= from && status <= to;
    }
  }

  /** Address family a probe connects over. */
  enum Family {
    ANY,
    IPV4,
    IPV6
  }

  /**
   * {@code http:} a request whose response must match.
   *
   * @param url http or https URL
   * @param method request method (default GET)
   * @param host Host header and TLS SNI override
   * @param connectTo connect to this address instead of resolving the URL's host
   * @param family force IPv4 or IPv6 (default any)
   * @param expectStatus accepted statuses (default 200)
   * @param bodyContains the body must contain this
   * @param bodyRegex the body must match this
   * @param tlsVerify verify the server certificate (default true)
   * @param tlsPin accept only a certificate with this SHA-256 fingerprint (hex)
   * @param certExpiryWarning report degraded when the certificate expires sooner (default 14d, 0s = off)
   * @param maxBodyBytes read at most this much of the body (default 65536, limit {@link #MAX_BODY_BYTES})
   */
  record Http(
      URI url,
      String method,
      Optional<String> host,
      Optional<InetAddress> connectTo,
      Family family,
      List<StatusRange> expectStatus,
      Optional<String> bodyContains,
      Optional<Pattern> bodyRegex,
      boolean tlsVerify,
      Optional<String> tlsPin,
      Duration certExpiryWarning,
      int maxBodyBytes)
      implements ProbeConfig {
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    public Http {
      Objects.requireNonNull(url, "url");
      expectStatus = List.copyOf(expectStatus);
    }

    @Override
    public String kind() {
      return "http";
    }
  }

  /**
   * {@code tcp:} connect, optionally send bytes and expect a reply matching a regex.
   *
   * @param expectWithinBytes read at most this many bytes looking for {@code expect} (default 4096)
   */
  record Tcp(String host, int port, Optional<String> send, Optional<Pattern> expect, int expectWithinBytes)
      implements ProbeConfig {
    public static final int DEFAULT_EXPECT_BYTES = 4096;
    public static final int MAX_EXPECT_BYTES = 1024 * 1024;

    public Tcp {
      Objects.requireNonNull(host, "host");
    }

    @Override
    public String kind() {
      return "tcp";
    }
  }

  /**
   * {@code process:} a process is running, found by exactly one of name, command line regex or
   * pid file.
   */
  record Process(Optional<String> name, Optional<Pattern> cmdline, Optional<Path> pidFile, int minCount)
      implements ProbeConfig {
    @Override
    public String kind() {
      return "process";
    }
  }

  /**
   * {@code script:} a program run without a shell; exit 0 = up.
   *
   * @param exec argv; exec[0] is an absolute path
   * @param user run as this user (default: the agent's user)
   * @param maxOutputBytes output kept for status (default 4096, limit {@link #MAX_OUTPUT_BYTES})
   * @param killGrace after the timeout, SIGTERM then SIGKILL after this (default 1s)
   */
  record Script(List<String> exec, Optional<String> user, int maxOutputBytes, Duration killGrace)
      implements ProbeConfig {
    public static final int DEFAULT_OUTPUT_BYTES = 4096;
    public static final int MAX_OUTPUT_BYTES = 1024 * 1024;

    public Script {
      exec = List.copyOf(exec);
    }

    @Override
    public String kind() {
      return "script";
    }
  }

  /** {@code file:} an integer read from a file, multiplied by the tracking weight. */
  record File(Path path) implements ProbeConfig {
    @Override
    public String kind() {
      return "file";
    }
  }

  /** {@code interface:} the link is up. */
  record Interface(String name) implements ProbeConfig {
    @Override
    public String kind() {
      return "interface";
    }
  }
}
