package org.vrrpagent.checks.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.checks.DnsProbeSpec;
import org.vrrpagent.checks.InvalidOptionException;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The {@code dns} probe: dnsjava's non-blocking resolver (one shared NIO selector thread for all
 * DNS probes). UDP first; a truncated answer is asked again over TCP within the same deadline.
 */
final class DnsProbe implements Probe {
  /** Answers listed in a reason at most. */
  static final int MAX_ANSWERS_SHOWN = 5;

  private final DnsProbeSpec spec;
  private final String label;
  private final Record question;
  private final int qtype;
  private final Pattern answerPattern;
  private final int ednsFlags;
  private final Executor blocking;

  /**
   * Null while the server's host name does not resolve: each run tries again, off the selector
   * thread.
   */
  private volatile Resolvers resolvers;

  private record Resolvers(SimpleResolver udp, SimpleResolver tcp) {}

  /**
   * @param blocking where a server's host name is resolved when it did not resolve at creation
   */
  DnsProbe(DnsProbeSpec spec, Executor blocking) {
    this.blocking = blocking;
    this.spec = spec;
    this.label = "DNS " + spec.serverLabel();
    this.qtype = Type.value(spec.type());
    try {
      this.question =
          Record.newRecord(
              Name.fromString(spec.name(), Name.root), qtype, DClass.value(spec.dnsClass()));
    } catch (TextParseException e) {
      throw new IllegalArgumentException("dns.name: " + spec.name(), e);
    }
    this.answerPattern = spec.answerPattern();
    this.ednsFlags = spec.dnssec() ? ExtendedFlags.DO : 0;
    this.resolvers = resolveNow();
  }

  private Resolvers resolveNow() {
    InetSocketAddress server;
    try {
      server = spec.serverAddress();
    } catch (InvalidOptionException e) {
      return null;
    }
    SimpleResolver udp = new SimpleResolver(server);
    udp.setIgnoreTruncation(true); // we retry over TCP ourselves, to say so in the reason
    udp.setEDNS(0, DnsProbeSpec.EDNS_UDP_PAYLOAD_BYTES, ednsFlags, List.of());
    SimpleResolver tcp = new SimpleResolver(server);
    tcp.setTCP(true);
    tcp.setEDNS(0, DnsProbeSpec.EDNS_UDP_PAYLOAD_BYTES, ednsFlags, List.of());
    return new Resolvers(udp, tcp);
  }

  @Override
  public CompletionStage<ProbeResult> run(Duration timeout) {
    long start = System.nanoTime();
    Resolvers known = resolvers;
    if (known != null) {
      return query(known, timeout, start);
    }
    return CompletableFuture.supplyAsync(this::resolveNow, blocking)
        .orTimeout(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)
        .handle((found, error) -> found)
        .thenCompose(
            found -> {
              if (found == null) {
                return CompletableFuture.completedFuture(
                    ProbeResult.down(
                        label + ": cannot resolve the server's name", System.nanoTime() - start));
              }
              resolvers = found;
              Duration left = timeout.minusNanos(System.nanoTime() - start);
              if (left.isNegative() || left.isZero()) {
                return CompletableFuture.completedFuture(
                    ProbeResult.down(
                        label
                            + ": timed out after "
                            + DurationText.of(timeout)
                            + " resolving the server's name",
                        System.nanoTime() - start));
              }
              return query(found, timeout, start);
            });
  }

  private CompletionStage<ProbeResult> query(Resolvers resolver, Duration timeout, long start) {
    SimpleResolver udp = resolver.udp();
    SimpleResolver tcp = resolver.tcp();
    Message query = Message.newQuery(question);
    if (spec.requireAd()) {
      query.getHeader().setFlag(Flags.AD); // RFC 6840 §5.7: ask for the AD bit
    }
    SimpleResolver first = spec.tcp() ? tcp : udp;
    Duration remaining = timeout.minusNanos(System.nanoTime() - start);
    first.setTimeout(remaining);
    return first
        .sendAsync(query, Runnable::run)
        .toCompletableFuture()
        .thenCompose(
            response -> {
              if (!spec.tcp() && response.getHeader().getFlag(Flags.TC)) {
                Duration left = timeout.minusNanos(System.nanoTime() - start);
                if (left.isNegative() || left.isZero()) {
                  return CompletableFuture.failedFuture(
                      new TimeoutException("truncated, no time left for TCP"));
                }
                tcp.setTimeout(left);
                return tcp.sendAsync(Message.newQuery(question), Runnable::run)
                    .toCompletableFuture()
                    .thenApply(r -> new Answer(r, true));
              }
              return CompletableFuture.completedFuture(new Answer(response, spec.tcp()));
            })
        // dnsjava notices its own timeouts only every selector_timeout ms; this keeps the deadline
        // exact
        .orTimeout(remaining.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)
        .handle(
            (answer, error) -> {
              long latency = System.nanoTime() - start;
              if (error != null) {
                return ProbeResult.down(label + ": " + describe(error, timeout), latency);
              }
              return judge(answer, latency);
            });
  }

  private record Answer(Message message, boolean overTcp) {}

  private ProbeResult judge(Answer answer, long latency) {
    Message m = answer.message();
    String via = answer.overTcp() && !spec.tcp() ? " (TCP after truncation)" : "";
    String rcode = Rcode.string(m.getRcode());
    if (!rcode.equals(spec.expectRcode())) {
      return ProbeResult.down(
          label + ": " + rcode + " (expected: " + spec.expectRcode() + ")" + via, latency);
    }
    if (spec.requireAd() && !m.getHeader().getFlag(Flags.AD)) {
      return ProbeResult.down(
          label + ": " + rcode + " without AD flag (expected: AD, a validated answer)" + via,
          latency);
    }
    List<String> texts = new ArrayList<>();
    for (Record r : m.getSection(Section.ANSWER)) {
      if (r.getType() == qtype || qtype == Type.ANY) {
        texts.add(text(r));
      }
    }
    boolean noerror = spec.expectRcode().equals("NOERROR");
    if (noerror && spec.requireAnswer() && texts.isEmpty()) {
      return ProbeResult.down(
          label + ": " + rcode + " with no " + spec.type() + " answer (expected: an answer)" + via,
          latency);
    }
    if (!spec.expectAnswers().isEmpty()
        && !new HashSet<>(texts).equals(new HashSet<>(spec.expectAnswers()))) {
      return ProbeResult.down(
          label
              + ": answers "
              + shown(texts)
              + " (expected: "
              + shown(spec.expectAnswers())
              + ")"
              + via,
          latency);
    }
    if (spec.answerContains() != null
        && texts.stream().noneMatch(t -> t.contains(spec.answerContains()))) {
      return ProbeResult.down(
          label
              + ": no answer contains \""
              + spec.answerContains()
              + "\" (answers: "
              + shown(texts)
              + ")"
              + via,
          latency);
    }
    if (answerPattern != null && texts.stream().noneMatch(t -> answerPattern.matcher(t).find())) {
      return ProbeResult.down(
          label + ": no answer matches " + answerPattern + " (answers: " + shown(texts) + ")" + via,
          latency);
    }
    return ProbeResult.up(
        label
            + ": "
            + rcode
            + ", "
            + texts.size()
            + " "
            + spec.type()
            + " answer"
            + (texts.size() == 1 ? "" : "s")
            + via,
        latency);
  }

  /**
   * The answer text compared with expectations: TXT strings concatenated, other types in
   * presentation format.
   */
  static String text(Record r) {
    if (r instanceof TXTRecord txt) {
      return String.join("", txt.getStrings());
    }
    return r.rdataToString();
  }

  private static String shown(List<String> texts) {
    if (texts.size() <= MAX_ANSWERS_SHOWN) {
      return texts.toString();
    }
    return texts.subList(0, MAX_ANSWERS_SHOWN)
        + " and "
        + (texts.size() - MAX_ANSWERS_SHOWN)
        + " more";
  }

  private static String describe(Throwable error, Duration timeout) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof TimeoutException
        || e instanceof IOException && String.valueOf(e.getMessage()).contains("timed out")) {
      return "timed out after " + DurationText.of(timeout);
    }
    if (e instanceof PortUnreachableException) {
      return "no server listening (ICMP port unreachable)";
    }
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
  }
}
