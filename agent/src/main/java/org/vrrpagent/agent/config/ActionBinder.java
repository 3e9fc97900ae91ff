package org.vrrpagent.agent.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.vrrpagent.agent.actions.TsigSecret;
import org.vrrpagent.agent.actions.ZoneRewriter;
import org.vrrpagent.agent.config.ActionsConfig.Action;
import org.vrrpagent.agent.config.ActionsConfig.DnsUpdate;
import org.vrrpagent.agent.config.ActionsConfig.Host;
import org.vrrpagent.agent.config.ActionsConfig.On;
import org.vrrpagent.agent.config.ActionsConfig.Record;
import org.vrrpagent.agent.config.ActionsConfig.RecordType;
import org.vrrpagent.agent.config.ActionsConfig.Role;
import org.vrrpagent.agent.config.ActionsConfig.Tsig;
import org.vrrpagent.agent.config.ActionsConfig.Verify;
import org.vrrpagent.agent.config.ActionsConfig.ZoneFile;
import org.vrrpagent.agent.config.YamlNode.Entry;
import org.vrrpagent.agent.config.YamlNode.Mapping;
import org.vrrpagent.agent.config.YamlNode.Scalar;
import org.vrrpagent.agent.config.YamlNode.ScalarKind;
import org.vrrpagent.base.HostPort;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.VrrpVersion;

/**
 * An instance's {@code hosts:} and {@code actions:} ({@link ActionsConfig}): the published
 * addresses of the two nodes and the DNS actions, with the rules that make every role resolve (this
 * node is one of the two, every record type has an address of its family on both nodes).
 */
final class ActionBinder extends Binder {
  private static final Map<String, String> ALGORITHMS =
      options(
          "hmac-sha256", "hmac-sha256",
          "hmac-sha384", "hmac-sha384",
          "hmac-sha512", "hmac-sha512",
          "hmac-sha224", "hmac-sha224",
          "hmac-sha1", "hmac-sha1",
          "hmac-md5", "hmac-md5");

  private static final Map<String, RecordType> TYPES =
      options("A", RecordType.A, "AAAA", RecordType.AAAA);
  private static final Map<String, Role> ROLES =
      options("master", Role.MASTER, "standby", Role.STANDBY);
  private static final Map<String, On> STATES =
      options("master", On.MASTER, "backup", On.BACKUP, "fault", On.FAULT);

  private final String node;

  ActionBinder(Problems problems, FileRules rules, Declared declared, Path baseDir, String node) {
    super(problems, rules, declared, baseDir);
    this.node = node;
  }

  /**
   * The instance's hosts and actions; {@link ActionsConfig#NONE} when it has neither. {@code
   * noAddresses}: the instance has {@code addresses: []}, so adverts carry the nodes' vrrp
   * addresses, which must then be given, of one family the version can carry.
   */
  ActionsConfig bind(MappingReader r, VrrpVersion version, boolean noAddresses) {
    boolean hasHosts = r.has("hosts");
    boolean hasActions = r.has("actions");
    if (!hasHosts && !hasActions) {
      return ActionsConfig.NONE;
    }
    Map<String, Host> hosts = hasHosts ? hosts(r, version, noAddresses) : Map.of();
    if (!hasHosts) {
      r.missing(
          "hosts",
          "the published addresses of both nodes, e.g. hosts: { ns1: { A: 192.0.2.1, vrrp:"
              + " 192.0.2.1 }, ns2: { A: 198.51.100.2, vrrp: 198.51.100.2 } }");
    }
    List<Action> actions = hasActions ? actions(r, hosts) : List.of();
    return new ActionsConfig(hosts, actions);
  }

  // ---------------------------------------------------------------- hosts

  private Map<String, Host> hosts(MappingReader parent, VrrpVersion version, boolean noAddresses) {
    Optional<MappingReader> maybe =
        MappingReader.of(
            parent.node("hosts").orElseThrow(), "hosts", parent.keyAt("hosts"), problems);
    if (maybe.isEmpty()) {
      return Map.of();
    }
    MappingReader r = maybe.get();
    Map<String, Host> out = new LinkedHashMap<>();
    List<Entry> entries = r.entries();
    if (entries.size() != 2) {
      problems.add(
          parent.at("hosts"),
          "hosts has "
              + entries.size()
              + " node"
              + (entries.size() == 1 ? "" : "s")
              + " (expected: exactly two, this node and its peer; actions support pairs)");
    }
    if (entries.stream().noneMatch(e -> e.key().equals(node))) {
      problems.add(
          parent.at("hosts"),
          "hosts does not name this node \""
              + node
              + "\" (expected: one entry under its node: name, so the roles resolve)");
    }
    Set<InetAddress> vrrps = new HashSet<>();
    AddressFamily vrrpFamily = null;
    for (Entry e : entries) {
      r.has(e.key());
      if (!AddressSyntax.isHostName(e.key())) {
        problems.add(
            e.keyPosition(),
            "hosts node \""
                + YamlNode.abbreviate(e.key())
                + "\" is not a node name (expected: a name as in node:, letters, digits, \"-\", \".\")");
        continue;
      }
      Optional<MappingReader> h =
          MappingReader.of(e.value(), "hosts node \"" + e.key() + "\"", e.keyPosition(), problems);
      if (h.isEmpty()) {
        continue;
      }
      MappingReader hr = h.get();
      Optional<InetAddress> a =
          hr.node("A").flatMap(n -> published(n, "A", AddressFamily.IPV4, "an IPv4 address"));
      Optional<InetAddress> aaaa =
          hr.node("AAAA").flatMap(n -> published(n, "AAAA", AddressFamily.IPV6, "an IPv6 address"));
      Optional<InetAddress> vrrp = hr.node("vrrp").flatMap(n -> published(n, "vrrp", null, ""));
      if (!hr.has("A") && !hr.has("AAAA")) {
        problems.add(
            e.keyPosition(),
            "hosts node \""
                + e.key()
                + "\" publishes no address (expected: A: an IPv4 address and/or AAAA: an IPv6 address)");
      }
      if (noAddresses && !hr.has("vrrp")) {
        hr.missing(
            "vrrp",
            "the address this node's adverts come from; the instance has no addresses, so adverts"
                + " carry both nodes' vrrp addresses");
      }
      if (vrrp.isPresent()) {
        AddressFamily f = AddressFamily.of(vrrp.get());
        if (version == VrrpVersion.V2 && f == AddressFamily.IPV6) {
          problems.add(
              hr.at("vrrp"),
              "vrrp "
                  + AddressSyntax.format(vrrp.get())
                  + " is IPv6 in a version 2 instance (expected: IPv4; VRRPv2 has no IPv6)");
        } else if (vrrpFamily != null && f != vrrpFamily) {
          problems.add(
              hr.at("vrrp"),
              "vrrp "
                  + AddressSyntax.format(vrrp.get())
                  + " is "
                  + name(f)
                  + " but the other node's is "
                  + name(vrrpFamily)
                  + " (expected: one family; VRRP runs over one)");
        } else if (!vrrps.add(vrrp.get())) {
          problems.add(
              hr.at("vrrp"),
              "vrrp "
                  + AddressSyntax.format(vrrp.get())
                  + " is also the other node's (expected: each node's own address)");
        }
        vrrpFamily = f;
      }
      hr.finish();
      out.put(e.key(), new Host(a, aaaa, vrrp));
    }
    return out;
  }

  private Optional<InetAddress> published(
      YamlNode n, String key, AddressFamily family, String expected) {
    Optional<InetAddress> ip =
        n instanceof Scalar s && s.kind() != ScalarKind.NULL
            ? AddressSyntax.literal(s.text())
            : Optional.empty();
    if (ip.isEmpty()) {
      problems.add(
          n.position(),
          key
              + " "
              + YamlNode.describe(n)
              + " is not an IP address (expected: "
              + (family == null ? "an IP address" : expected)
              + ")");
      return Optional.empty();
    }
    if (family != null && !family.matches(ip.get())) {
      problems.add(
          n.position(),
          key
              + " "
              + AddressSyntax.format(ip.get())
              + " is "
              + name(AddressFamily.of(ip.get()))
              + " (expected: "
              + expected
              + "; "
              + key
              + " records hold "
              + name(family)
              + ")");
      return Optional.empty();
    }
    InetAddress a = ip.get();
    if (a.isMulticastAddress() || a.isAnyLocalAddress() || a.isLoopbackAddress()) {
      problems.add(
          n.position(),
          key
              + " "
              + AddressSyntax.format(a)
              + " is not a unicast address (expected: a unicast address)");
      return Optional.empty();
    }
    return ip;
  }

  // ---------------------------------------------------------------- actions

  private List<Action> actions(MappingReader r, Map<String, Host> hosts) {
    Optional<List<YamlNode>> items = r.list("actions", "actions: dns-update or zone-file");
    if (items.isEmpty()) {
      return List.of();
    }
    if (items.get().isEmpty()) {
      problems.add(
          r.at("actions"), "actions is empty (expected: at least one dns-update or zone-file)");
      return List.of();
    }
    if (tooMany(r, "actions", items.get().size(), "entries", ActionsConfig.MAX_ACTIONS)) {
      return List.of();
    }
    List<Action> out = new ArrayList<>();
    Set<Path> zoneFiles = new HashSet<>();
    for (YamlNode item : items.get()) {
      if (!(item instanceof Mapping m) || m.entries().size() != 1) {
        problems.add(
            item.position(),
            "action is "
                + (item instanceof Mapping ? "a mapping of several keys" : YamlNode.describe(item))
                + " (expected: one of dns-update: {…} or zone-file: {…})");
        continue;
      }
      Entry e = m.entries().values().iterator().next();
      Optional<? extends Action> a =
          switch (e.key()) {
            case "dns-update" -> dnsUpdate(e, hosts);
            case "zone-file" -> zoneFile(e, hosts);
            default -> {
              problems.add(
                  e.keyPosition(),
                  "unknown action \""
                      + YamlNode.abbreviate(e.key())
                      + "\" (expected: dns-update or zone-file)");
              yield Optional.empty();
            }
          };
      if (a.isPresent() && a.get() instanceof ZoneFile z && !zoneFiles.add(z.path())) {
        problems.add(
            e.keyPosition(),
            "zone-file "
                + z.path()
                + " is already rewritten by another action of this instance (expected: each file once)");
        continue;
      }
      a.ifPresent(out::add);
    }
    return out;
  }

  private Optional<DnsUpdate> dnsUpdate(Entry e, Map<String, Host> hosts) {
    Optional<MappingReader> maybe =
        MappingReader.of(e.value(), "dns-update", e.keyPosition(), problems);
    if (maybe.isEmpty()) {
      return Optional.empty();
    }
    MappingReader r = maybe.get();
    int before = problemCount();
    Optional<HostPort> server =
        r.requiredString(
                "server", "the primary server's address, e.g. 198.51.100.53 or [2001:db8::53]:53")
            .flatMap(t -> hostPort(r, "server", t, 53));
    Optional<String> zone =
        r.requiredString("zone", "the zone's name, e.g. example.org")
            .filter(z -> domain(r, "zone", z));
    Optional<Tsig> tsig = Optional.empty();
    if (!r.has("tsig")) {
      r.missing(
          "tsig",
          "{ name: KEYNAME, algorithm: hmac-sha256, secret-file: PATH }; updates are always signed");
    } else {
      tsig = tsig(r);
    }
    List<Record> records =
        r.listOf("records", "{ name: www, type: A, value: master }", n -> record(n, hosts));
    if (!r.has("records")) {
      r.missing("records", "a list such as [{ name: www, type: A, value: master }]");
    } else if (r.node("records").get() instanceof YamlNode.Sequence s) {
      if (s.items().isEmpty()) {
        problems.add(r.at("records"), "records is empty (expected: at least one record)");
      } else {
        tooMany(r, "records", s.items().size(), "entries", ActionsConfig.MAX_RECORDS);
      }
    }
    Duration ttl =
        r.duration("ttl", Duration.ZERO, Duration.ofSeconds(Integer.MAX_VALUE))
            .orElse(Duration.ofSeconds(60));
    if (ttl.toNanos() % 1_000_000_000L != 0) {
      problems.add(
          r.at("ttl"),
          "ttl " + DurationSyntax.format(ttl) + " is not whole seconds (expected: e.g. 60s)");
    }
    boolean verify = r.bool("verify").orElse(true);
    Duration timeout =
        r.duration("timeout", Duration.ofMillis(100), Duration.ofMinutes(1))
            .orElse(Duration.ofSeconds(5));
    Duration retryFor =
        r.duration("retry-for", Duration.ZERO, Duration.ofDays(1)).orElse(Duration.ofMinutes(10));
    Set<On> on = on(r, DnsUpdate.DEFAULT_ON);
    r.finish();
    if (problemCount() != before
        || server.isEmpty()
        || zone.isEmpty()
        || tsig.isEmpty()
        || records.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new DnsUpdate(
            server.get(), zone.get(), tsig.get(), records, ttl, verify, timeout, retryFor, on));
  }

  private Optional<Tsig> tsig(MappingReader parent) {
    return MappingReader.of(
            parent.node("tsig").orElseThrow(), "tsig", parent.keyAt("tsig"), problems)
        .flatMap(
            r -> {
              int before = problemCount();
              Optional<String> name =
                  r.requiredString("name", "the key's name, e.g. vrrp-agent.")
                      .filter(n -> domain(r, "name", n));
              Optional<String> algorithm =
                  r.has("algorithm")
                      ? r.choice("algorithm", ALGORITHMS)
                      : Optional.of("hmac-sha256");
              Optional<Path> file =
                  r.requiredString(
                          "secret-file",
                          "the file holding the key (tsig-keygen output, or the base64 secret alone)")
                      .flatMap(p -> secretFile(r, "secret-file", p));
              if (file.isPresent()
                  && name.isPresent()
                  && algorithm.isPresent()
                  && Files.isReadable(file.get())) {
                try {
                  TsigSecret.read(file.get(), name.get(), algorithm.get());
                } catch (IllegalArgumentException | IOException ex) {
                  problems.add(
                      r.at("secret-file"), "secret-file " + file.get() + ": " + ex.getMessage());
                }
              }
              r.finish();
              if (problemCount() != before
                  || name.isEmpty()
                  || algorithm.isEmpty()
                  || file.isEmpty()) {
                return Optional.empty();
              }
              return Optional.of(new Tsig(name.get(), algorithm.get(), file.get()));
            });
  }

  private Optional<Record> record(YamlNode n, Map<String, Host> hosts) {
    return MappingReader.of(n, "record", n.position(), problems)
        .flatMap(
            r -> {
              int before = problemCount();
              Optional<String> name =
                  r.requiredString("name", "an owner name, e.g. www or www.example.org.")
                      .filter(t -> t.equals("@") || domain(r, "name", t));
              Optional<RecordType> type = r.choice("type", TYPES);
              if (!r.has("type")) {
                r.missing("type", "A or AAAA");
              }
              Optional<Role> value = r.choice("value", ROLES);
              if (!r.has("value")) {
                r.missing("value", "master or standby: whose address the record holds");
              }
              type.ifPresent(t -> resolvable(r, "type", t, hosts));
              r.finish();
              if (problemCount() != before || name.isEmpty() || type.isEmpty() || value.isEmpty()) {
                return Optional.empty();
              }
              return Optional.of(new Record(name.get(), type.get(), value.get()));
            });
  }

  /** Both nodes publish an address of the type's family, or a role would not resolve. */
  private void resolvable(MappingReader r, String key, RecordType type, Map<String, Host> hosts) {
    for (Map.Entry<String, Host> h : hosts.entrySet()) {
      if (h.getValue().address(type).isEmpty()) {
        problems.add(
            r.at(key),
            type
                + " record, but hosts node \""
                + h.getKey()
                + "\" has no "
                + type
                + " address (expected: "
                + type
                + ": "
                + (type == RecordType.A ? "an IPv4 address" : "an IPv6 address")
                + " under every node, since either may be master)");
      }
    }
  }

  private Optional<ZoneFile> zoneFile(Entry e, Map<String, Host> hosts) {
    Optional<MappingReader> maybe =
        MappingReader.of(e.value(), "zone-file", e.keyPosition(), problems);
    if (maybe.isEmpty()) {
      return Optional.empty();
    }
    MappingReader r = maybe.get();
    int before = problemCount();
    Optional<Path> path =
        r.requiredString("path", "the zone file's absolute path")
            .flatMap(p -> absolutePath(r, "path", p));
    Optional<String> marker =
        r.requiredString(
            "marker", "the comment that marks the lines to rewrite, e.g. \"; failover\"");
    Optional<List<String>> reload = argv(r, "reload");
    Duration reloadTimeout =
        r.duration("reload-timeout", Duration.ofMillis(100), Duration.ofMinutes(10))
            .orElse(Duration.ofSeconds(30));
    Optional<Verify> verify = r.node("verify").flatMap(n -> verify(r, n, hosts));
    Set<On> on = on(r, ZoneFile.DEFAULT_ON);
    r.finish();
    if (marker.isPresent() && (marker.get().indexOf('\n') >= 0 || marker.get().isBlank())) {
      problems.add(
          r.at("marker"),
          "marker \"" + YamlNode.abbreviate(marker.get()) + "\" (expected: text on one line)");
    }
    if (path.isPresent() && marker.isPresent() && problemCount() == before) {
      zoneProblem(path.get(), marker.get(), hosts).ifPresent(p -> problems.add(r.at("path"), p));
    }
    if (problemCount() != before || path.isEmpty() || marker.isEmpty() || reload.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ZoneFile(path.get(), marker.get(), reload.get(), reloadTimeout, verify, on));
  }

  /**
   * What rewriting the zone file would refuse (no marked line, a marked line that is not A or AAAA,
   * no SOA, a family a node does not publish), when the file can be read here; a missing file is
   * {@link FileRules}' business (at run time the action reports it).
   */
  private Optional<String> zoneProblem(Path path, String marker, Map<String, Host> hosts) {
    if (!Files.isReadable(path) || hosts.size() != 2) {
      return Optional.empty();
    }
    try {
      String text;
      try {
        text = new String(ZoneRewriter.readZone(path), java.nio.charset.StandardCharsets.UTF_8);
      } catch (org.vrrpagent.base.StrictText.Refused e) {
        return Optional.of("zone file " + path + ZoneRewriter.refusal(e));
      }
      String self = node;
      String peer = hosts.keySet().stream().filter(n -> !n.equals(self)).findFirst().orElse(self);
      ZoneRewriter.rewrite(
          text,
          marker,
          ZoneRewriter.Roles.of(hosts.get(self), hosts.get(peer)),
          java.time.LocalDate.now(java.time.ZoneOffset.UTC));
      return Optional.empty();
    } catch (ZoneRewriter.ZoneException ex) {
      return Optional.of("zone file " + path + ": " + ex.getMessage());
    } catch (IOException | RuntimeException ex) {
      return Optional.of(
          "zone file "
              + path
              + " could not be read: "
              + ex.getMessage()
              + " (expected: a readable UTF-8 zone file)");
    }
  }

  private Optional<Verify> verify(MappingReader parent, YamlNode n, Map<String, Host> hosts) {
    return MappingReader.of(n, "verify", parent.keyAt("verify"), problems)
        .flatMap(
            r -> {
              int before = problemCount();
              Optional<HostPort> server =
                  r.requiredString("server", "the server to ask, e.g. 127.0.0.1")
                      .flatMap(t -> hostPort(r, "server", t, 53));
              Optional<String> name =
                  r.requiredString("name", "a fully qualified name, e.g. www.example.org")
                      .filter(t -> domain(r, "name", t));
              Optional<RecordType> type = r.choice("type", TYPES);
              if (!r.has("type")) {
                r.missing("type", "A or AAAA");
              }
              Role value = r.choice("value", ROLES).orElse(Role.MASTER);
              type.ifPresent(t -> resolvable(r, "type", t, hosts));
              r.finish();
              if (problemCount() != before
                  || server.isEmpty()
                  || name.isEmpty()
                  || type.isEmpty()) {
                return Optional.empty();
              }
              return Optional.of(new Verify(server.get(), name.get(), type.get(), value));
            });
  }

  private Set<On> on(MappingReader r, Set<On> defaults) {
    if (!r.has("on")) {
      return defaults;
    }
    List<On> states =
        r.listOf("on", "states: master, backup, fault", n -> r.choiceValue(n, "on", STATES));
    if (r.node("on").get() instanceof YamlNode.Sequence s && s.items().isEmpty()) {
      problems.add(r.at("on"), "on is empty (expected: at least one of master, backup, fault)");
    }
    return states.isEmpty() ? defaults : EnumSet.copyOf(states);
  }

  private boolean domain(MappingReader r, String key, String text) {
    try {
      org.xbill.DNS.Name.fromString(text);
      if (text.length() > 253 || text.contains(" ") || text.startsWith(".")) {
        throw new org.xbill.DNS.TextParseException("bad");
      }
      return true;
    } catch (org.xbill.DNS.TextParseException ex) {
      problems.add(
          r.at(key),
          key
              + " \""
              + YamlNode.abbreviate(text)
              + "\" is not a domain name (expected: e.g. www.example.org)");
      return false;
    }
  }
}
