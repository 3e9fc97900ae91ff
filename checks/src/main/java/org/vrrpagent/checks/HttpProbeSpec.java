package org.vrrpagent.checks;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code http}: one HTTP/1.1 request, like {@code curl --max-time T --resolve host:port:addr URL}.
 *
 * @param url {@code http://} or {@code https://} URL; required
 * @param method GET, HEAD, POST, …; default {@value #DEFAULT_METHOD}
 * @param host YAML {@code host}: Host header and TLS SNI name instead of the URL's host
 * @param connectTo YAML {@code connect-to}: IP address to connect to instead of resolving the URL's
 *     host
 * @param family YAML {@code family}: {@code ipv4} or {@code ipv6} to force the address family;
 *     default {@code any}
 * @param expectStatus YAML {@code expect-status}: status codes or ranges ("200", "200-299");
 *     default 200
 * @param bodyContains YAML {@code body-contains}: the body (first {@code max-body-bytes}) contains
 *     this text
 * @param bodyRegex YAML {@code body-regex}: the body matches this regex (find)
 * @param tlsVerify YAML {@code tls-verify}: verify the certificate chain and host name; default
 *     true
 * @param caFile YAML {@code ca-file}: PEM file of trusted CAs instead of the system's (absolute
 *     path; read when the probe is made; not with {@code tls-verify: false})
 * @param tlsPin YAML {@code tls-pin}: a certificate that must appear in the chain the server sends,
 *     as the certificate's SHA-256 fingerprint in hex (colons allowed, as {@code openssl x509
 *     -fingerprint -sha256} prints it) or the base64 SHA-256 of its public key (HPKP style); one
 *     value or a list (at most {@value #MAX_PINS}); with {@code tls-verify: false} the pin alone is
 *     checked
 * @param certExpiryWarning YAML {@code cert-expiry-warning}: warn (result stays up) when the
 *     certificate expires within this time; default {@code 14d}; {@code 0s} turns the warning off
 * @param maxBodyBytes YAML {@code max-body-bytes}: most body bytes read; default {@value
 *     #DEFAULT_MAX_BODY_BYTES}
 */
public record HttpProbeSpec(
    String url,
    String method,
    String host,
    String connectTo,
    String family,
    List<String> expectStatus,
    String bodyContains,
    String bodyRegex,
    Boolean tlsVerify,
    Path caFile,
    List<String> tlsPin,
    Duration certExpiryWarning,
    Integer maxBodyBytes)
    implements ProbeSpec {

  public static final String DEFAULT_METHOD = "GET";
  public static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");
  public static final Duration DEFAULT_CERT_EXPIRY_WARNING = Duration.ofDays(14);
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  public static final int MAX_BODY_BYTES_LIMIT = 16 * 1024 * 1024;

  /** Most pins in one {@code tls-pin} list. */
  public static final int MAX_PINS = 16;

  public static final java.util.List<String> FAMILIES = java.util.List.of("any", "ipv4", "ipv6");

  /** Longest response header block accepted (status line + headers). */
  public static final int MAX_HEADER_BYTES = 16 * 1024;

  public HttpProbeSpec {
    url = OptionRules.required(url, "url", "an http:// or https:// URL");
    URI uri = parse(url);
    method = method == null ? DEFAULT_METHOD : method.strip().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw OptionRules.invalid(
          "method",
          "method "
              + OptionRules.quote(method)
              + " (expected: GET, HEAD, POST, PUT, DELETE, OPTIONS or PATCH)");
    }
    if (host != null) {
      host = host.strip();
      if (!OptionRules.isHostName(host) && !isLiteral(host)) {
        throw OptionRules.invalid(
            "host",
            "host "
                + OptionRules.quote(host)
                + " is not a host name (expected: e.g. www.example.org)");
      }
    }
    java.net.InetAddress connectAddress = null;
    if (connectTo != null) {
      connectTo = connectTo.strip();
      connectAddress =
          OptionRules.ipLiteral(
              connectTo, "connect-to", "an IP address; the URL's host is sent as Host");
    }
    family = family == null ? "any" : family.strip().toLowerCase(Locale.ROOT);
    if (!FAMILIES.contains(family)) {
      throw OptionRules.invalid(
          "family", "family " + OptionRules.quote(family) + " (expected: any, ipv4 or ipv6)");
    }
    if (connectAddress != null
        && !family.equals("any")
        && family.equals("ipv4") != (connectAddress instanceof java.net.Inet4Address)) {
      throw OptionRules.invalid(
          "family",
          "family "
              + family
              + " contradicts connect-to "
              + connectTo
              + " (expected: the family of connect-to, or no family)");
    }
    expectStatus =
        expectStatus == null || expectStatus.isEmpty() ? List.of("200") : List.copyOf(expectStatus);
    for (int i = 0; i < expectStatus.size(); i++) {
      try {
        statusRange(expectStatus.get(i));
      } catch (InvalidOptionException e) {
        throw InvalidOptionException.item("expect-status", i, e.getMessage());
      }
    }
    OptionRules.regex(bodyRegex, "body-regex");
    boolean https = "https".equals(uri.getScheme());
    if (!https) {
      String tlsKey =
          tlsVerify != null
              ? "tls-verify"
              : caFile != null
                  ? "ca-file"
                  : tlsPin != null && !tlsPin.isEmpty()
                      ? "tls-pin"
                      : certExpiryWarning != null ? "cert-expiry-warning" : null;
      if (tlsKey != null) {
        throw InvalidOptionException.presence(
            tlsKey,
            tlsKey
                + " is set for an http:// URL (expected: an https:// URL, or no "
                + tlsKey
                + ")");
      }
    }
    tlsVerify = tlsVerify == null || tlsVerify;
    caFile = OptionRules.absolutePath(caFile, "ca-file");
    if (caFile != null && !tlsVerify) {
      throw InvalidOptionException.presence(
          "ca-file",
          "ca-file is set with tls-verify: false (expected: one of them; "
              + "without verification no CA is consulted)");
    }
    if (tlsPin != null && tlsPin.size() > MAX_PINS) {
      throw OptionRules.invalid(
          "tls-pin", "tls-pin: " + tlsPin.size() + " pins (expected: at most " + MAX_PINS + ")");
    }
    List<String> pins = new ArrayList<>();
    for (int i = 0; tlsPin != null && i < tlsPin.size(); i++) {
      try {
        pins.add(normalisePin(tlsPin.get(i)));
      } catch (InvalidOptionException e) {
        throw InvalidOptionException.item("tls-pin", i, e.getMessage());
      }
    }
    tlsPin = List.copyOf(pins);
    certExpiryWarning =
        OptionRules.range(
            certExpiryWarning,
            DEFAULT_CERT_EXPIRY_WARNING,
            Duration.ZERO,
            Duration.ofDays(365),
            "cert-expiry-warning");
    maxBodyBytes =
        OptionRules.range(
            maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 1, MAX_BODY_BYTES_LIMIT, "max-body-bytes");
  }

  private static boolean isLiteral(String host) {
    try {
      java.net.InetAddress.ofLiteral(host);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * A pin as compared: lower-case hex without colons for a certificate fingerprint, base64 for a
   * key hash.
   */
  static String normalisePin(String pin) {
    if (pin == null) {
      throw OptionRules.invalid(
          "tls-pin", "tls-pin has an empty entry (expected: a SHA-256 fingerprint or key hash)");
    }
    String p = pin.strip();
    String hex = p.replace(":", "").toLowerCase(Locale.ROOT);
    if (hex.matches("[0-9a-f]{64}")) {
      return hex;
    }
    try {
      if (Base64.getDecoder().decode(p).length == 32) {
        return p;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw OptionRules.invalid(
        "tls-pin",
        "tls-pin "
            + OptionRules.quote(pin)
            + " is not a SHA-256 pin (expected: a certificate's "
            + "SHA-256 fingerprint, 64 hex digits, colons allowed, or the base64 SHA-256 of its public key)");
  }

  public static HttpProbeSpec of(String url) {
    return new HttpProbeSpec(
        url, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public URI uri() {
    return parse(url);
  }

  public boolean https() {
    return "https".equals(uri().getScheme());
  }

  public int port() {
    URI u = uri();
    return u.getPort() > 0 ? u.getPort() : https() ? 443 : 80;
  }

  /** Host header value and SNI name: {@code host} if set, else the URL's host. */
  public String requestHost() {
    if (host != null) {
      return host;
    }
    String h = uri().getHost();
    return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
  }

  public Pattern bodyPattern() {
    return OptionRules.regex(bodyRegex, "body-regex");
  }

  /** The expected status codes as inclusive {@code [low, high]} ranges. */
  public List<int[]> statusRanges() {
    List<int[]> ranges = new ArrayList<>();
    for (String s : expectStatus) {
      ranges.add(statusRange(s));
    }
    return ranges;
  }

  public boolean statusExpected(int status) {
    return statusRanges().stream().anyMatch(r -> status >= r[0] && status <= r[1]);
  }

  private static int[] statusRange(String s) {
    String t = s.strip();
    try {
      int dash = t.indexOf('-');
      int lo = Integer.parseInt(dash < 0 ? t : t.substring(0, dash).strip());
      int hi = dash < 0 ? lo : Integer.parseInt(t.substring(dash + 1).strip());
      if (lo >= 100 && hi <= 599 && lo <= hi) {
        return new int[] {lo, hi};
      }
      if (dash < 0) {
        throw OptionRules.invalid(
            "expect-status", "expect-status " + lo + " out of range (expected: 100..599)");
      }
      throw OptionRules.invalid(
          "expect-status",
          "expect-status range " + t + " (expected: a range within 100-599, low-high)");
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw OptionRules.invalid(
        "expect-status",
        "expect-status "
            + OptionRules.quote(s)
            + " (expected: a status 100..599, a range like 200-299, or a list of them)");
  }

  private static URI parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw OptionRules.invalid(
          "url",
          "url "
              + OptionRules.quote(url)
              + ": "
              + e.getReason()
              + " (expected: an http:// or https:// URL with a host)");
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw OptionRules.invalid(
          "url",
          "url " + OptionRules.quote(url) + " (expected: an http:// or https:// URL with a host)");
    }
    return uri;
  }

  @Override
  public String kind() {
    return "http";
  }

  @Override
  public String describe() {
    return "http "
        + method
        + " "
        + url
        + (host != null ? " host " + host : "")
        + (connectTo != null ? " via " + connectTo : "");
  }
}
