package org.vrrpagent.checks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@code dns}: one query to one server, like {@code dig @server +time=1 +tries=1 name type}.
 *
 * @param server the server: an address or host name, optionally with {@code :port} ({@code
 *     [v6]:port}); a host name is resolved once, when the probe is created, never during a run;
 *     required
 * @param name the query name; required
 * @param type record type mnemonic (A, AAAA, TXT, SOA, MX, …); default {@value #DEFAULT_TYPE}
 * @param dnsClass YAML {@code class}: IN, CH, …; default {@value #DEFAULT_CLASS}
 * @param tcp query over TCP only; default false (UDP, retried over TCP when the answer is
 *     truncated)
 * @param dnssec YAML {@code dnssec}: set the EDNS DO bit (DNSSEC OK); default false
 * @param requireAd YAML {@code require-ad}: the answer must carry the AD flag (validated); default
 *     false
 * @param expectRcode YAML {@code expect-rcode}: NOERROR, NXDOMAIN, SERVFAIL, …; default {@value
 *     #DEFAULT_RCODE}
 * @param expectAnswers YAML {@code expect-answers}: the exact set of answers, each parsed as the
 *     type's data; default none
 * @param answerContains YAML {@code answer-contains}: some answer text contains this; default none
 * @param answerRegex YAML {@code answer-regex}: some answer text matches this regex (find); default
 *     none
 * @param requireAnswer YAML {@code require-answer}: at least one answer of the asked type; default
 *     false; applies only when the expected rcode is NOERROR
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
    Boolean requireAnswer)
    implements ProbeSpec {

  public static final int DEFAULT_PORT = 53;
  public static final String DEFAULT_TYPE = "A";
  public static final String DEFAULT_CLASS = "IN";
  public static final String DEFAULT_RCODE = "NOERROR";

  /**
   * EDNS UDP payload size we advertise (the DNS flag day 2020 value); larger answers come over TCP.
   */
  public static final int EDNS_UDP_PAYLOAD_BYTES = 1232;

  /** Most answers compared or listed in a reason. */
  public static final int MAX_EXPECTED_ANSWERS = 64;

  public DnsProbeSpec {
    server = OptionRules.required(server, "server", "a host[:port], e.g. 127.0.0.1");
    OptionRules.hostAndPort(server, DEFAULT_PORT, "server");
    name = OptionRules.required(name, "name", "a query name, e.g. example.org");
    try {
      Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      throw OptionRules.invalid(
          "name",
          "name " + OptionRules.quote(name) + " is not a domain name (expected: e.g. example.org)");
    }
    type = (type == null ? DEFAULT_TYPE : type.strip()).toUpperCase(Locale.ROOT);
    int typeCode = Type.value(type);
    if (typeCode < 0
        || typeCode == Type.OPT
        || typeCode == Type.AXFR
        || typeCode == Type.IXFR
        || typeCode == Type.TSIG) {
      throw OptionRules.invalid(
          "type",
          "type "
              + OptionRules.quote(type)
              + " (expected: a record type such as A, AAAA, TXT, SOA, MX, NS, PTR, SRV, CAA, or TYPEnnn)");
    }
    dnsClass = (dnsClass == null ? DEFAULT_CLASS : dnsClass.strip()).toUpperCase(Locale.ROOT);
    int classCode = DClass.value(dnsClass);
    if (classCode != DClass.IN && classCode != DClass.CH && classCode != DClass.HS) {
      throw OptionRules.invalid(
          "class", "class " + OptionRules.quote(dnsClass) + " (expected: IN, CH or HS)");
    }
    tcp = tcp != null && tcp;
    dnssec = dnssec != null && dnssec;
    requireAd = requireAd != null && requireAd;
    expectRcode =
        (expectRcode == null ? DEFAULT_RCODE : expectRcode.strip()).toUpperCase(Locale.ROOT);
    if (Rcode.value(expectRcode) < 0) {
      throw OptionRules.invalid(
          "expect-rcode",
          "expect-rcode "
              + OptionRules.quote(expectRcode)
              + " (expected: a response code such as NOERROR, NXDOMAIN, SERVFAIL, REFUSED)");
    }
    expectAnswers = expectAnswers == null ? List.of() : List.copyOf(expectAnswers);
    if (expectAnswers.size() > MAX_EXPECTED_ANSWERS) {
      throw OptionRules.invalid(
          "expect-answers",
          "expect-answers: "
              + expectAnswers.size()
              + " answers (expected: at most "
              + MAX_EXPECTED_ANSWERS
              + ")");
    }
    List<String> normalised = new ArrayList<>();
    for (int i = 0; i < expectAnswers.size(); i++) {
      try {
        normalised.add(answerText(expectAnswers.get(i), typeCode, classCode));
      } catch (InvalidOptionException e) {
        throw InvalidOptionException.item("expect-answers", i, e.getMessage());
      }
    }
    expectAnswers = List.copyOf(normalised);
    OptionRules.regex(answerRegex, "answer-regex");
    requireAnswer = requireAnswer != null && requireAnswer;
  }

  /**
   * An expected answer parsed as the asked type's data and written back as the probe compares it
   * (the presentation format, names made absolute: {@code 10 mail.example.org} → {@code 10
   * mail.example.org.}); TXT texts and answers for ANY are compared as written.
   */
  private static String answerText(String text, int type, int dclass) {
    if (text == null) {
      throw OptionRules.invalid(
          "expect-answers", "expect-answers has an empty entry (expected: an answer's text)");
    }
    if (type == Type.TXT || type == Type.SPF || type == Type.ANY) {
      return text;
    }
    try {
      return Record.fromString(Name.root, type, dclass, 0, text.strip(), Name.root).rdataToString();
    } catch (IOException | RuntimeException e) {
      throw OptionRules.invalid(
          "expect-answers",
          "expect-answers "
              + OptionRules.quote(text)
              + " is not "
              + Type.string(type)
              + " data (expected: "
              + answerExample(type)
              + ")");
    }
  }

  private static String answerExample(int type) {
    return switch (type) {
      case Type.A -> "an IPv4 address, e.g. 198.18.0.1";
      case Type.AAAA -> "an IPv6 address, e.g. fd00:198:18::1";
      case Type.MX -> "a preference and a host, e.g. 10 mail.example.org.";
      case Type.NS, Type.CNAME, Type.PTR, Type.DNAME -> "a domain name, e.g. ns1.example.org.";
      case Type.SRV -> "priority weight port target, e.g. 10 5 5060 sip.example.org.";
      case Type.SOA -> "mname rname serial refresh retry expire minimum";
      default -> "the record data as a zone file writes it";
    };
  }

  /** Minimal spec: server, name, type; everything else default. */
  public static DnsProbeSpec of(String server, String name, String type) {
    return new DnsProbeSpec(
        server, name, type, null, null, null, null, null, null, null, null, null);
  }

  /**
   * The server's address; a host name is resolved here (blocking), so call it when creating the
   * probe.
   */
  public InetSocketAddress serverAddress() {
    return OptionRules.resolve(OptionRules.hostAndPort(server, DEFAULT_PORT, "server"), "server");
  }

  public Pattern answerPattern() {
    return OptionRules.regex(answerRegex, "answer-regex");
  }

  /** The server as reasons show it: the address, with the port only when it is not 53. */
  public String serverLabel() {
    return OptionRules.label(OptionRules.hostAndPort(server, DEFAULT_PORT, "server"), DEFAULT_PORT);
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
