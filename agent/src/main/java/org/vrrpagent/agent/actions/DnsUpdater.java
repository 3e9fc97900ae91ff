package org.vrrpagent.agent.actions;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vrrpagent.agent.config.ActionsConfig.DnsUpdate;
import org.vrrpagent.agent.config.ActionsConfig.Record;
import org.vrrpagent.agent.config.ActionsConfig.RecordType;
import org.vrrpagent.base.AddressText;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * One attempt of a {@code dns-update}: an RFC 2136 UPDATE, TSIG-signed and prerequisite-free, that
 * replaces each name/type RRset with the role's address (delete the RRset, add the records, in one
 * message: atomic on the server, the same result however often it is sent), then queries the server
 * to see the records it holds.
 */
final class DnsUpdater {
  /** What one attempt found. */
  record Attempt(Kind kind, String detail) {}

  enum Kind {
    /** The server holds the records now (updated, verified if asked). */
    DONE,
    /** It held them already: no UPDATE was sent. */
    ALREADY,
    /** The server refused (key, zone, permission): retrying will not help. */
    REFUSED,
    /** Timeout, SERVFAIL, unverified: worth another try while MASTER. */
    TRANSIENT
  }

  private DnsUpdater() {}

  /** The wanted address set per (owner, type), in the order the records were written. */
  static Map<RRsetKey, Set<InetAddress>> wanted(DnsUpdate u, ZoneRewriter.Roles roles)
      throws TextParseException {
    Name origin = Name.fromString(u.zone(), Name.root);
    Map<RRsetKey, Set<InetAddress>> out = new LinkedHashMap<>();
    for (Record r : u.records()) {
      Name owner = r.name().equals("@") ? origin : Name.fromString(r.name(), origin);
      InetAddress a =
          roles
              .address(r.value(), r.type())
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the " + r.value().label() + " publishes no " + r.type() + " address"));
      out.computeIfAbsent(new RRsetKey(owner, r.type()), k -> new LinkedHashSet<>()).add(a);
    }
    return out;
  }

  record RRsetKey(Name owner, RecordType type) {
    int dnsType() {
      return type == RecordType.A ? Type.A : Type.AAAA;
    }

    @Override
    public String toString() {
      return owner + " " + type;
    }
  }

  static Attempt attempt(DnsUpdate u, ZoneRewriter.Roles roles, String secret) {
    Map<RRsetKey, Set<InetAddress>> want;
    Name origin;
    TSIG key;
    try {
      want = wanted(u, roles);
      origin = Name.fromString(u.zone(), Name.root);
      key =
          new TSIG(
              TSIG.algorithmToName(u.tsig().algorithm()),
              Name.fromString(u.tsig().name(), Name.root),
              secret);
    } catch (TextParseException | IllegalArgumentException | IllegalStateException e) {
      return new Attempt(Kind.REFUSED, e.getMessage());
    }
    SimpleResolver resolver;
    try {
      resolver = new SimpleResolver(u.server().host());
    } catch (IOException e) {
      return new Attempt(Kind.TRANSIENT, "server " + u.server() + ": " + e.getMessage());
    }
    resolver.setPort(u.server().port());
    resolver.setTimeout(u.timeout());
    resolver.setTCP(true);
    if (u.verify()) {
      String already = verify(resolver, want);
      if (already == null) {
        return new Attempt(Kind.ALREADY, "the server already holds " + describe(want));
      }
    }
    Update update = new Update(origin);
    long ttl = u.ttl().toSeconds();
    for (Map.Entry<RRsetKey, Set<InetAddress>> e : want.entrySet()) {
      Name owner = e.getKey().owner();
      update.delete(owner, e.getKey().dnsType());
      for (InetAddress a : e.getValue()) {
        update.add(
            e.getKey().type() == RecordType.A
                ? new ARecord(owner, DClass.IN, ttl, a)
                : new AAAARecord(owner, DClass.IN, ttl, a));
      }
    }
    resolver.setTSIGKey(key);
    Message response;
    try {
      response = resolver.send(update);
    } catch (IOException e) {
      return new Attempt(
          Kind.TRANSIENT,
          "UPDATE to " + u.server() + " not answered: " + e.getMessage() + " (nothing changed)");
    }
    int rcode = response.getRcode();
    TSIGRecord tsig = response.getTSIG();
    int tsigError = tsig == null ? Rcode.NOERROR : tsig.getError();
    if (rcode != Rcode.NOERROR || tsigError != Rcode.NOERROR) {
      String what =
          "UPDATE of "
              + u.zone()
              + " at "
              + u.server()
              + " refused: "
              + Rcode.string(rcode)
              + (tsigError != Rcode.NOERROR ? " (TSIG " + Rcode.TSIGstring(tsigError) + ")" : "")
              + " — "
              + reason(rcode, tsigError, u)
              + "; nothing changed";
      boolean transientError = rcode == Rcode.SERVFAIL && tsigError == Rcode.NOERROR;
      return new Attempt(transientError ? Kind.TRANSIENT : Kind.REFUSED, what);
    }
    if (!response.isVerified() && tsig != null) {
      return new Attempt(
          Kind.TRANSIENT, "the answer of " + u.server() + " failed TSIG verification");
    }
    if (u.verify()) {
      resolver.setTSIGKey(null);
      String mismatch = verify(resolver, want);
      if (mismatch != null) {
        return new Attempt(
            Kind.TRANSIENT, "updated, but a query of " + u.server() + " says " + mismatch);
      }
      return new Attempt(Kind.DONE, "updated and verified: " + describe(want));
    }
    return new Attempt(Kind.DONE, "updated: " + describe(want));
  }

  private static String reason(int rcode, int tsigError, DnsUpdate u) {
    if (tsigError == Rcode.BADKEY) {
      return "the server does not know key " + u.tsig().name() + " (check tsig: name, algorithm)";
    }
    if (tsigError == Rcode.BADSIG) {
      return "the signature does not verify: the secret in "
          + u.tsig().secretFile()
          + " differs from the server's";
    }
    if (tsigError == Rcode.BADTIME) {
      return "the clocks differ by more than the TSIG fudge (5 min): check NTP on both";
    }
    return switch (rcode) {
      case Rcode.NOTAUTH ->
          "the server is not authoritative for " + u.zone() + " or refuses the key";
      case Rcode.REFUSED ->
          "the server's update-policy/allow-update does not allow key " + u.tsig().name();
      case Rcode.NOTZONE -> "a record is outside zone " + u.zone();
      case Rcode.SERVFAIL -> "the server failed (retried while MASTER)";
      default -> "see the server's log";
    };
  }

  /** Null when the server answers exactly the wanted sets; else what it answered. */
  static String verify(SimpleResolver resolver, Map<RRsetKey, Set<InetAddress>> want) {
    for (Map.Entry<RRsetKey, Set<InetAddress>> e : want.entrySet()) {
      Message q =
          Message.newQuery(
              org.xbill.DNS.Record.newRecord(e.getKey().owner(), e.getKey().dnsType(), DClass.IN));
      q.getHeader().unsetFlag(Flags.RD);
      Message answer;
      try {
        answer = resolver.send(q);
      } catch (IOException ex) {
        return e.getKey() + ": no answer (" + ex.getMessage() + ")";
      }
      Set<InetAddress> have = new LinkedHashSet<>();
      for (org.xbill.DNS.Record r : answer.getSection(Section.ANSWER)) {
        if (r instanceof ARecord a && r.getName().equals(e.getKey().owner())) {
          have.add(a.getAddress());
        } else if (r instanceof AAAARecord a && r.getName().equals(e.getKey().owner())) {
          have.add(a.getAddress());
        }
      }
      if (!have.equals(e.getValue())) {
        return e.getKey()
            + " "
            + (have.isEmpty()
                ? "has no records (" + Rcode.string(answer.getRcode()) + ")"
                : texts(have))
            + " (expected: "
            + texts(e.getValue())
            + ")";
      }
    }
    return null;
  }

  static String describe(Map<RRsetKey, Set<InetAddress>> want) {
    List<String> parts = new ArrayList<>();
    want.forEach((k, v) -> parts.add(k + " " + texts(v)));
    return String.join(", ", parts);
  }

  private static String texts(Set<InetAddress> as) {
    return String.join(" ", as.stream().map(AddressText::of).toList());
  }

  /** Exponential backoff: 1 s, 2 s, 4 s … capped at 60 s. */
  static Duration backoff(int attempt) {
    long seconds = 1L << Math.min(6, Math.max(0, attempt - 1));
    return Duration.ofSeconds(Math.min(60, seconds));
  }
}
