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
 * @param url                 {@code http://} or {@code https://} URL; required
 * @param method              GET, HEAD, POST, …; default {@value #DEFAULT_METHOD}
 * @param host                YAML {@code host}: Host header and TLS SNI name instead of the URL's host
 * @param connectTo           YAML {@code connect-to}: IP address to connect to instead of resolving the URL's host
 * @param family              YAML {@code family}: {@code ipv4} or {@code ipv6} to force the address family; default {@code any}
 * @param expectStatus        YAML {@code expect-status}: status codes or ranges ("200", "200-299"); default 200
 * @param bodyContains        YAML {@code body-contains}: the body (first {@code max-body-bytes}) contains this text
 * @param bodyRegex           YAML {@code body-regex}: the body matches this regex (find)
 * @param tlsVerify           YAML {@code tls-verify}: verify the certificate chain and host name; default true
 * @param caFile              YAML {@code ca-file}: PEM file of trusted CAs instead of the system's
 * @param tlsPin              YAML {@code tls-pin}: a certificate that must appear in the chain the server sends, as the
 *                            certificate's SHA-256 fingerprint in hex (colons allowed, as {@code openssl x509
 *                            -fingerprint -sha256} prints it) or the base64 SHA-256 of its public key (HPKP style);
 *                            one value or a list; with {@code tls-verify: false} the pin alone is checked
 * @param certExpiryWarning   YAML {@code cert-expiry-warning}: warn (result stays up) when the certificate expires
 *                            within this time; default {@code 14d}; {@code 0s} turns the warning off
 * @param maxBodyBytes        YAML {@code max-body-bytes}: most body bytes read; default {@value #DEFAULT_MAX_BODY_BYTES}
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
        Integer maxBodyBytes) implements ProbeSpec {

    public static final String DEFAULT_METHOD = "GET";
    public static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");
    public static final Duration DEFAULT_CERT_EXPIRY_WARNING = Duration.ofDays(14);
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    public static final int MAX_BODY_BYTES_LIMIT = 16 * 1024 * 1024;
    public static final java.util.List<String> FAMILIES = java.util.List.of("any", "ipv4", "ipv6");
    /** Longest response header block accepted (status line + headers). */
    public static final int MAX_HEADER_BYTES = 16 * 1024;

    public HttpProbeSpec {
        url = SpecChecks.requireText(url, "http.url");
        URI uri = parse(url);
        method = method == null ? DEFAULT_METHOD : method.strip().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("http.method: " + method + " (expected: one of " + METHODS + ")");
        }
        if (host != null && host.isBlank()) {
            host = null;
        }
        if (connectTo != null) {
            SpecChecks.ipLiteral(connectTo.strip(), "http.connect-to");
            connectTo = connectTo.strip();
        }
        family = family == null ? "any" : family.strip().toLowerCase(Locale.ROOT);
        if (!FAMILIES.contains(family)) {
            throw new IllegalArgumentException("http.family: " + family + " (expected: any, ipv4 or ipv6)");
        }
        expectStatus = expectStatus == null || expectStatus.isEmpty() ? List.of("200") : List.copyOf(expectStatus);
        for (String s : expectStatus) {
            statusRange(s);
        }
        SpecChecks.regex(bodyRegex, "http.body-regex");
        tlsVerify = tlsVerify == null || tlsVerify;
        tlsPin = tlsPin == null ? List.of() : tlsPin.stream().map(HttpProbeSpec::normalisePin).toList();
        if (!"https".equals(uri.getScheme()) && (caFile != null || !tlsPin.isEmpty())) {
            throw new IllegalArgumentException("http.ca-file/tls-pin: set for " + url + " (expected: an https URL)");
        }
        certExpiryWarning = SpecChecks.range(certExpiryWarning, DEFAULT_CERT_EXPIRY_WARNING, Duration.ZERO,
                Duration.ofDays(3650), "http.cert-expiry-warning");
        maxBodyBytes = SpecChecks.range(maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 0, MAX_BODY_BYTES_LIMIT, "http.max-body-bytes");
    }

    /**
     * A pin as compared: lower-case hex without colons for a certificate fingerprint, base64 for a key hash.
     */
    static String normalisePin(String pin) {
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
        throw new IllegalArgumentException("http.tls-pin: " + pin
                + " (expected: a SHA-256 certificate fingerprint in hex, colons allowed, or a base64 SHA-256 public-key hash)");
    }

    public static HttpProbeSpec of(String url) {
        return new HttpProbeSpec(url, null, null, null, null, null, null, null, null, null, null, null, null);
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
        return SpecChecks.regex(bodyRegex, "http.body-regex");
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
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("http.expect-status: " + s + " (expected: a status 100..599 or a range like 200-299)");
    }

    private static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("http.url: " + url + " (" + e.getReason() + ")");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("http.url: " + url + " (expected: http://host[:port]/path or https://…)");
        }
        return uri;
    }

    @Override
    public String kind() {
        return "http";
    }

    @Override
    public String describe() {
        return "http " + method + " " + url + (host != null ? " host " + host : "") + (connectTo != null ? " via " + connectTo : "");
    }
}
