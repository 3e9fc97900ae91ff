package org.vrrpagent.checks;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@code dns}: one query to one server, like {@code dig @server +time=1 +tries=1 name type}.
 *
 * @param server         the server: an address or host name, optionally with {@code :port} ({@code [v6]:port}); a host
 *                       name is resolved once, when the probe is created, never during a run; required
 * @param name           the query name; required
 * @param type           record type mnemonic (A, AAAA, TXT, SOA, MX, …); default {@value #DEFAULT_TYPE}
 * @param dnsClass       YAML {@code class}: IN, CH, …; default {@value #DEFAULT_CLASS}
 * @param tcp            query over TCP only; default false (UDP, retried over TCP when the answer is truncated)
 * @param dnssec         YAML {@code dnssec}: set the EDNS DO bit (DNSSEC OK); default false
 * @param requireAd      YAML {@code require-ad}: the answer must carry the AD flag (validated); default false
 * @param expectRcode    YAML {@code expect-rcode}: NOERROR, NXDOMAIN, SERVFAIL, …; default {@value #DEFAULT_RCODE}
 * @param expectAnswers  YAML {@code expect-answers}: the exact set of answer texts; default none
 * @param answerContains YAML {@code answer-contains}: some answer text contains this; default none
 * @param answerRegex    YAML {@code answer-regex}: some answer text matches this regex (find); default none
 * @param requireAnswer  YAML {@code require-answer}: at least one answer of the asked type; default false;
 *                       applies only when the expected rcode is NOERROR
 */
public record DnsProbeSpec(
        String server,
        String name,
        String type,
        String dnsClass,
        Boolean tcp,
        Boolean dnssec,
        Boolean requireAd,
        String expectRcode,
        List<String> expectAnswers,
        String answerContains,
        String answerRegex,
        Boolean requireAnswer) implements ProbeSpec {

    public static final int DEFAULT_PORT = 53;
    public static final String DEFAULT_TYPE = "A";
    public static final String DEFAULT_CLASS = "IN";
    public static final String DEFAULT_RCODE = "NOERROR";
    /** EDNS UDP payload size we advertise (the DNS flag day 2020 value); larger answers come over TCP. */
    public static final int EDNS_UDP_PAYLOAD_BYTES = 1232;
    /** Most answers compared or listed in a reason. */
    public static final int MAX_EXPECTED_ANSWERS = 64;

    public DnsProbeSpec {
        server = SpecChecks.requireText(server, "dns.server");
        SpecChecks.hostAndPort(server, DEFAULT_PORT, "dns.server");
        name = SpecChecks.requireText(name, "dns.name");
        try {
            Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("dns.name: " + name + " (" + e.getMessage() + ")");
        }
        type = (type == null ? DEFAULT_TYPE : type.strip()).toUpperCase(java.util.Locale.ROOT);
        if (Type.value(type) < 0) {
            throw new IllegalArgumentException("dns.type: " + type + " (expected: a record type such as A, AAAA, TXT, SOA)");
        }
        dnsClass = (dnsClass == null ? DEFAULT_CLASS : dnsClass.strip()).toUpperCase(java.util.Locale.ROOT);
        if (DClass.value(dnsClass) < 0) {
            throw new IllegalArgumentException("dns.class: " + dnsClass + " (expected: IN, CH, HS)");
        }
        tcp = tcp != null && tcp;
        dnssec = dnssec != null && dnssec;
        requireAd = requireAd != null && requireAd;
        expectRcode = (expectRcode == null ? DEFAULT_RCODE : expectRcode.strip()).toUpperCase(java.util.Locale.ROOT);
        if (Rcode.value(expectRcode) < 0) {
            throw new IllegalArgumentException("dns.expect-rcode: " + expectRcode + " (expected: NOERROR, NXDOMAIN, SERVFAIL, REFUSED, …)");
        }
        expectAnswers = expectAnswers == null ? List.of() : List.copyOf(expectAnswers);
        if (expectAnswers.size() > MAX_EXPECTED_ANSWERS) {
            throw new IllegalArgumentException("dns.expect-answers: " + expectAnswers.size() + " answers (expected: at most " + MAX_EXPECTED_ANSWERS + ")");
        }
        SpecChecks.regex(answerRegex, "dns.answer-regex");
        requireAnswer = requireAnswer != null && requireAnswer;
    }

    /** Minimal spec: server, name, type; everything else default. */
    public static DnsProbeSpec of(String server, String name, String type) {
        return new DnsProbeSpec(server, name, type, null, null, null, null, null, null, null, null, null);
    }

    /** The server's address; a host name is resolved here (blocking), so call it when creating the probe. */
    public InetSocketAddress serverAddress() {
        return SpecChecks.resolve(SpecChecks.hostAndPort(server, DEFAULT_PORT, "dns.server"), "dns.server");
    }

    public Pattern answerPattern() {
        return SpecChecks.regex(answerRegex, "dns.answer-regex");
    }

    /** The server as reasons show it: the address, with the port only when it is not 53. */
    public String serverLabel() {
        return SpecChecks.label(SpecChecks.hostAndPort(server, DEFAULT_PORT, "dns.server"), DEFAULT_PORT);
    }

    @Override
    public String kind() {
        return "dns";
    }

    @Override
    public String describe() {
        return "dns " + serverLabel() + " " + name + " " + type;
    }
}
