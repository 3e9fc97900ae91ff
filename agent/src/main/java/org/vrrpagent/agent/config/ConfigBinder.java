package org.vrrpagent.agent.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.vrrpagent.agent.config.NotifyConfig.Email;
import org.vrrpagent.agent.config.NotifyConfig.Events;
import org.vrrpagent.agent.config.NotifyConfig.Hook;
import org.vrrpagent.agent.config.NotifyConfig.MailTrigger;
import org.vrrpagent.agent.config.NotifyConfig.Smtp;
import org.vrrpagent.agent.config.NotifyConfig.StartTls;
import org.vrrpagent.agent.config.YamlNode.Entry;
import org.vrrpagent.agent.config.YamlNode.Mapping;
import org.vrrpagent.agent.config.YamlNode.Position;
import org.vrrpagent.agent.config.YamlNode.Scalar;
import org.vrrpagent.agent.config.YamlNode.ScalarKind;
import org.vrrpagent.base.HostPort;
import org.vrrpagent.core.fsm.ReceivePolicy;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.AuthType;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.VrrpVersion;

/**
 * Turns the located YAML tree into a {@link Config}: every key read with its type and limit,
 * then the rules that span keys (family per version, duplicate VRIDs, references between
 * instances, checks, sync groups and hooks). Every problem is collected; the result is null
 * when there was any.
 */
final class ConfigBinder {
  static final int MAX_INSTANCES = 1024;
  static final int MAX_CHECKS = 4096;
  static final int MAX_NAME_CHARS = 64;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final String NAME_RULE = "letters, digits, \"_\", \"-\" or \".\", at most 64 characters";
  private static final Pattern RCODE = Pattern.compile("NOERROR|FORMERR|SERVFAIL|NXDOMAIN|NOTIMP|REFUSED|YXDOMAIN|YXRRSET|NXRRSET|NOTAUTH|NOTZONE|BADVERS");
  private static final Pattern DNS_TYPE = Pattern.compile("[A-Z][A-Z0-9]{0,9}|TYPE[0-9]{1,5}");
  private static final Pattern HTTP_METHOD = Pattern.compile("GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern MAIL_ADDRESS = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+");
  private static final Duration MAX_ADVERT_V3 = Duration.ofMillis(40950);
  private static final Duration MIN_ADVERT_V3 = Duration.ofMillis(10);
  private static final List<String> PROBES = List.of("dns", "http", "tcp", "process", "script", "file", "interface");

  /** An ordered choice map from alternating keys and values, so messages list them as written. */
  @SuppressWarnings("unchecked")
  private static <E> Map<String, E> options(Object... keysAndValues) {
    Map<String, E> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], (E) keysAndValues[i + 1]);
    }
    return out;
  }

  private final Problems problems;
  private final String defaultNode;
  private final FileRules rules;

  ConfigBinder(Problems problems, String defaultNode, FileRules rules) {
    this.problems = problems;
    this.defaultNode = defaultNode;
    this.rules = rules;
  }

  Config bind(YamlNode root) {
    Position top = new Position(1, 1);
    Optional<MappingReader> maybe = MappingReader.of(root, "the configuration", top, problems);
    if (maybe.isEmpty()) {
      return null;
    }
    MappingReader r = maybe.get();
    String node = r.string("node", "this host's name").filter(n -> {
      if (!AddressSyntax.isHostName(n)) {
        problems.add(r.at("node"), "node \"" + YamlNode.abbreviate(n) + "\" is not a host name (expected: letters, digits, \"-\", \".\")");
        return false;
      }
      return true;
    }).orElse(defaultNode);
    declaredChecks = declared(r, "checks");
    declaredInstances = declared(r, "instances");
    declaredGroups = declared(r, "sync-groups");
    Map<String, CheckConfig> checks = namedMap(r, "checks", "check", MAX_CHECKS, this::check);
    Map<String, InstanceConfig> instances = namedMap(r, "instances", "instance", MAX_INSTANCES, (name, e) -> instance(name, e, checks));
    if (!r.has("instances")) {
      problems.add(top, "no instances (expected: an instances: mapping with at least one VRRP instance)");
    }
    Map<String, SyncGroupConfig> syncGroups = syncGroups(r, instances);
    ControlConfig control = r.node("control").isPresent() ? control(r).orElse(ControlConfig.DEFAULT) : ControlConfig.DEFAULT;
    NotifyConfig notify = r.node("notify").isPresent() ? notify(r, instances, syncGroups) : NotifyConfig.NONE;
    LimitsConfig limits = r.node("limits").isPresent() ? limits(r) : LimitsConfig.DEFAULT;
    r.finish();
    duplicateVrids(r, instances);
    if (!problems.isEmpty()) {
      return null;
    }
    return new Config(node, instances, syncGroups, checks, control, notify, limits);
  }

  /** Names written under {@code key}, valid or not: a reference to one of them is not "undefined". */
  private Set<String> declaredChecks = Set.of();
  private Set<String> declaredInstances = Set.of();
  private Set<String> declaredGroups = Set.of();

  private static Set<String> declared(MappingReader r, String key) {
    return r.node(key).filter(Mapping.class::isInstance).map(m -> java.util.Collections.unmodifiableSet(new LinkedHashSet<>(((Mapping) m).entries().keySet()))).orElse(Set.of());
  }

  private interface NamedBinder<T> {
    Optional<T> bind(String name, Entry entry);
  }

  private <T> Map<String, T> namedMap(MappingReader r, String key, String kind, int limit, NamedBinder<T> binder) {
    Map<String, T> out = new LinkedHashMap<>();
    r.node(key).flatMap(n -> MappingReader.of(n, key, r.keyAt(key), problems)).ifPresent(m -> {
      List<Entry> entries = m.entries();
      if (entries.size() > limit) {
        problems.add(r.keyAt(key), key + ": " + entries.size() + " entries (expected: at most " + limit + ")");
        return;
      }
      for (Entry e : entries) {
        m.has(e.key());
        if (!validName(e.key(), kind, e.keyPosition())) {
          continue;
        }
        binder.bind(e.key(), e).ifPresent(v -> out.put(e.key(), v));
      }
    });
    return out;
  }

  private boolean validName(String name, String kind, Position at) {
    if (NAME.matcher(name).matches()) {
      return true;
    }
    problems.add(at, kind + " name \"" + YamlNode.abbreviate(name) + "\" (expected: " + NAME_RULE + ")");
    return false;
  }

  // ---------------------------------------------------------------- instances

  private Optional<InstanceConfig> instance(String name, Entry entry, Map<String, CheckConfig> checks) {
    Optional<MappingReader> maybe = MappingReader.of(entry.value(), "instance \"" + name + "\"", entry.keyPosition(), problems);
    if (maybe.isEmpty()) {
      return Optional.empty();
    }
    MappingReader r = maybe.get();
    int before = problemCount();
    Optional<String> iface = r.requiredString("interface", "an interface name").filter(n -> interfaceName(r, "interface", n));
    Optional<Integer> vrid = r.requiredInteger("vrid", "VRID", 1, 255);
    VrrpVersion version = r.node("version").flatMap(n -> {
      if (n instanceof Scalar s && (s.text().equals("2") || s.text().equals("3"))) {
        return Optional.of(s.text().equals("2") ? VrrpVersion.V2 : VrrpVersion.V3);
      }
      problems.add(n.position(), "version " + YamlNode.describe(n).replace("\"", "") + " (expected: 2 or 3)");
      return Optional.empty();
    }).orElse(VrrpVersion.V3);
    boolean hasOrder = r.has("priority-order");
    Optional<Integer> priority = r.integer("priority", "priority", 1, 255);
    if (priority.isPresent() && hasOrder) {
      problems.add(r.keyAt("priority"), "priority and priority-order both set in " + r.where()
          + " (expected: one of them; the rank in the priority-order file sets the priority)");
    }
    Duration advert = r.duration("advert-interval", Duration.ofMillis(1), Duration.ofDays(1)).orElse(Duration.ofSeconds(1));
    if (r.node("advert-interval").isPresent()) {
      checkAdvertInterval(r, version, advert);
    }
    boolean preempt = r.bool("preempt").orElse(true);
    Duration preemptDelay = r.duration("preempt-delay", Duration.ZERO, Duration.ofHours(1)).orElse(Duration.ZERO);
    boolean fastPreempt = r.bool("fast-preempt").orElse(false);
    List<VirtualAddress> addresses = addresses(r, version);
    AddressFamily family = addresses.isEmpty() ? null : addresses.getFirst().family();
    Optional<InetAddress> source = r.node("source").flatMap(n -> address(n, "source", family, version));
    List<InetAddress> peers = r.listOf("unicast-peers", "IP addresses", n -> address(n, "unicast peer", family, version));
    if (peers.size() > InstanceConfig.MAX_UNICAST_PEERS) {
      problems.add(r.at("unicast-peers"), "unicast-peers: " + peers.size() + " peers (expected: at most " + InstanceConfig.MAX_UNICAST_PEERS + ")");
    }
    Optional<AuthConfig> auth = r.node("auth").flatMap(n -> auth(r, n, version));
    ChecksumMode checksum = r.choice("checksum", ConfigBinder.<ChecksumMode>options("pseudo-header", ChecksumMode.PSEUDO_HEADER, "rfc9568", ChecksumMode.MESSAGE_ONLY))
        .orElse(null);
    if (r.node("checksum").isPresent() && checksum != null && (version == VrrpVersion.V2 || family == AddressFamily.IPV6)) {
      problems.add(r.at("checksum"), "checksum is set but only applies to VRRPv3 over IPv4 (expected: no checksum key for "
          + (version == VrrpVersion.V2 ? "version 2" : "IPv6") + ")");
    }
    if (checksum == null) {
      // VRRPv2 has no pseudo-header; IPv6 always has one; v3 over IPv4 defaults to RFC 5798's.
      checksum = version == VrrpVersion.V2 ? ChecksumMode.MESSAGE_ONLY : ChecksumMode.PSEUDO_HEADER;
    }
    GarpConfig garp = r.node("garp").isPresent() ? garp(r).orElse(GarpConfig.DEFAULT) : GarpConfig.DEFAULT;
    boolean virtualMac = r.bool("virtual-mac").orElse(false);
    List<TrackConfig> track = tracks(r, checks);
    Optional<PriorityOrderConfig> order = r.node("priority-order").flatMap(n -> priorityOrder(r, n));
    Optional<Integer> resignBelow = r.integer("resign-below", "resign-below", 1, 255);
    if (resignBelow.isPresent()) {
      int highest = order.map(o -> o.ranks().stream().mapToInt(Integer::intValue).max().orElse(0))
          .orElse(priority.orElse(InstanceConfig.DEFAULT_PRIORITY));
      if (resignBelow.get() > highest) {
        problems.add(r.at("resign-below"), "resign-below " + resignBelow.get() + " is above the highest base priority " + highest
            + " (expected: at most " + highest + ", or the instance would resign while healthy)");
      }
    }
    ReceiveConfig receive = receive(r, version, family, advert, peers);
    r.finish();
    if (problemCount() != before || iface.isEmpty() || vrid.isEmpty() || addresses.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new InstanceConfig(name, iface.get(), vrid.get(), version, priority.orElse(InstanceConfig.DEFAULT_PRIORITY),
        advert, preempt, preemptDelay, fastPreempt, addresses, source, peers, auth, checksum, garp, virtualMac, track, order,
        resignBelow.map(OptionalInt::of).orElse(OptionalInt.empty()), receive));
  }

  /** {@code on-link-only}, {@code max-learned-interval}, {@code accept-from}: receive hardening. */
  private ReceiveConfig receive(MappingReader r, VrrpVersion version, AddressFamily family, Duration advert,
                                List<InetAddress> peers) {
    boolean onLinkOnly = r.bool("on-link-only").orElse(true);
    Optional<Duration> cap = r.duration("max-learned-interval", Duration.ofMillis(10), MAX_ADVERT_V3);
    if (cap.isPresent()) {
      if (version == VrrpVersion.V2) {
        problems.add(r.at("max-learned-interval"), "max-learned-interval is set in a version 2 instance (expected: no"
            + " max-learned-interval; VRRPv2 backups never learn the interval, it must match)");
      } else if (cap.get().toMillis() % 10 != 0) {
        problems.add(r.at("max-learned-interval"), "max-learned-interval " + DurationSyntax.format(cap.get())
            + " is not a multiple of 10ms (expected: 10ms..40950ms in 10 ms steps)");
      } else if (cap.get().compareTo(advert) < 0) {
        problems.add(r.at("max-learned-interval"), "max-learned-interval " + DurationSyntax.format(cap.get())
            + " is below advert-interval " + DurationSyntax.format(advert)
            + " (expected: at least the advert interval, or peers like us would be refused)");
      }
    }
    List<InetAddress> acceptFrom = r.listOf("accept-from", "IP addresses", n -> address(n, "accept-from address", family, version));
    if (!acceptFrom.isEmpty() && !peers.isEmpty()) {
      problems.add(r.at("accept-from"), "accept-from is set with unicast-peers (expected: one of them; in unicast mode"
          + " only the unicast peers are accepted already)");
    }
    if (acceptFrom.size() > ReceivePolicy.MAX_ACCEPT_FROM) {
      problems.add(r.at("accept-from"), "accept-from: " + acceptFrom.size() + " addresses (expected: at most "
          + ReceivePolicy.MAX_ACCEPT_FROM + ")");
    }
    return new ReceiveConfig(onLinkOnly, cap, acceptFrom);
  }

  private int problemCount() {
    return problems.count();
  }

  private boolean interfaceName(MappingReader r, String key, String name) {
    if (AddressSyntax.isInterfaceName(name)) {
      return true;
    }
    problems.add(r.at(key), key + " \"" + YamlNode.abbreviate(name) + "\" is not an interface name (expected: 1.."
        + AddressSyntax.MAX_INTERFACE_NAME + " characters without \"/\", \":\" or spaces)");
    return false;
  }

  private void checkAdvertInterval(MappingReader r, VrrpVersion version, Duration advert) {
    Position at = r.at("advert-interval");
    String text = DurationSyntax.format(advert);
    if (version == VrrpVersion.V3) {
      if (advert.compareTo(MIN_ADVERT_V3) < 0 || advert.compareTo(MAX_ADVERT_V3) > 0) {
        problems.add(at, "advert-interval " + text + " out of range (expected: 10ms..40950ms for version 3)");
      } else if (advert.toMillis() % 10 != 0) {
        problems.add(at, "advert-interval " + text + " is not a multiple of 10ms (expected: 10ms..40950ms in 10 ms steps for version 3)");
      }
    } else {
      if (advert.toMillis() % 1000 != 0) {
        problems.add(at, "advert-interval " + text + " is not whole seconds (expected: 1s..255s in whole seconds for version 2)");
      } else if (advert.toSeconds() < 1 || advert.toSeconds() > 255) {
        problems.add(at, "advert-interval " + text + " out of range (expected: 1s..255s for version 2)");
      }
    }
  }

  private List<VirtualAddress> addresses(MappingReader r, VrrpVersion version) {
    if (!r.has("addresses")) {
      r.missing("addresses", "a list of virtual addresses, e.g. [198.18.0.100/24]");
      return List.of();
    }
    List<VirtualAddress> out = new ArrayList<>();
    Optional<List<YamlNode>> items = r.list("addresses", "virtual addresses");
    if (items.isEmpty()) {
      return List.of();
    }
    if (items.get().isEmpty()) {
      problems.add(r.at("addresses"), "addresses is empty (expected: at least one virtual address)");
      return List.of();
    }
    if (items.get().size() > InstanceConfig.MAX_ADDRESSES) {
      problems.add(r.at("addresses"), "addresses: " + items.get().size() + " addresses (expected: at most " + InstanceConfig.MAX_ADDRESSES + ")");
      return List.of();
    }
    Set<InetAddress> seen = new LinkedHashSet<>();
    boolean bad = false;
    for (YamlNode n : items.get()) {
      Optional<VirtualAddress> va = virtualAddress(r, n);
      if (va.isEmpty()) {
        bad = true;
        continue;
      }
      VirtualAddress a = va.get();
      if (version == VrrpVersion.V2 && a.family() == AddressFamily.IPV6) {
        problems.add(n.position(), "address " + a + " is IPv6 in a version 2 instance (expected: IPv4 only; VRRPv2 has no IPv6)");
        bad = true;
      } else if (!out.isEmpty() && a.family() != out.getFirst().family()) {
        problems.add(n.position(), "address " + a + " is " + name(a.family()) + " but " + out.getFirst() + " is "
            + name(out.getFirst().family()) + " (expected: one address family per instance; make a second instance)");
        bad = true;
      } else if (!seen.add(a.address())) {
        problems.add(n.position(), "address " + AddressSyntax.format(a.address()) + " listed twice (expected: each address once)");
        bad = true;
      } else {
        out.add(a);
      }
    }
    return bad ? List.of() : out;
  }

  private static String name(AddressFamily f) {
    return f == AddressFamily.IPV4 ? "IPv4" : "IPv6";
  }

  private Optional<VirtualAddress> virtualAddress(MappingReader r, YamlNode n) {
    String expected = "an address with an optional prefix length, e.g. 198.18.0.100/24";
    Optional<String> text = r.scalarText(n, "address", expected);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String t = text.get();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    Optional<InetAddress> ip = AddressSyntax.literal(addr);
    if (ip.isEmpty()) {
      problems.add(n.position(), "address \"" + YamlNode.abbreviate(t) + "\" is not an IP address (expected: " + expected + ")");
      return Optional.empty();
    }
    int max = ip.get() instanceof Inet4Address ? 32 : 128;
    int prefix = max;
    if (slash >= 0) {
      String p = t.substring(slash + 1);
      if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > max) {
        problems.add(n.position(), "address " + YamlNode.abbreviate(t) + ": prefix length \"" + YamlNode.abbreviate(p)
            + "\" (expected: 0.." + max + ")");
        return Optional.empty();
      }
      prefix = Integer.parseInt(p);
    }
    if (!unicast(ip.get())) {
      problems.add(n.position(), "address " + AddressSyntax.format(ip.get()) + " is not a unicast address (expected: a unicast address)");
      return Optional.empty();
    }
    return Optional.of(new VirtualAddress(ip.get(), prefix));
  }

  private static boolean unicast(InetAddress a) {
    return !a.isMulticastAddress() && !a.isAnyLocalAddress() && !a.isLoopbackAddress()
        && !(a instanceof Inet4Address && a.getAddress()[0] == (byte) 255);
  }

  /** An IP literal of the instance's family (when known). */
  private Optional<InetAddress> address(YamlNode n, String label, AddressFamily family, VrrpVersion version) {
    if (!(n instanceof Scalar s) || s.kind() == ScalarKind.NULL) {
      problems.add(n.position(), label + " is " + YamlNode.describe(n) + " (expected: an IP address)");
      return Optional.empty();
    }
    Optional<InetAddress> ip = AddressSyntax.literal(s.text());
    if (ip.isEmpty()) {
      problems.add(n.position(), label + " \"" + YamlNode.abbreviate(s.text()) + "\" is not an IP address (expected: an IP address, not a name or prefix)");
      return Optional.empty();
    }
    if (!unicast(ip.get())) {
      problems.add(n.position(), label + " " + AddressSyntax.format(ip.get()) + " is not a unicast address (expected: a unicast address)");
      return Optional.empty();
    }
    if (family != null && !family.matches(ip.get())) {
      problems.add(n.position(), label + " " + AddressSyntax.format(ip.get()) + " is " + name(AddressFamily.of(ip.get()))
          + " (expected: " + name(family) + " like the instance's addresses)");
      return Optional.empty();
    }
    return ip;
  }

  private Optional<AuthConfig> auth(MappingReader parent, YamlNode n, VrrpVersion version) {
    if (version == VrrpVersion.V3) {
      problems.add(parent.keyAt("auth"), "auth is set in a version 3 instance (expected: no auth; RFC 5798 removed authentication, use version: 2 for keepalived PASS)");
      return Optional.empty();
    }
    return MappingReader.of(n, "auth", parent.keyAt("auth"), problems).flatMap(r -> {
      Optional<AuthType> type = r.node("type").flatMap(t -> r.choiceValue(t, "auth type", options("pass", AuthType.SIMPLE_TEXT)));
      if (!r.has("type")) {
        r.missing("type", "pass");
      }
      Optional<String> password = r.requiredString("password", "1..8 characters");
      password = password.filter(p -> {
        int bytes = p.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > AuthConfig.MAX_PASSWORD_BYTES) {
          problems.add(r.at("password"), "auth password is " + bytes + " bytes long (expected: at most 8; keepalived truncates longer ones)");
          return false;
        }
        return true;
      });
      r.finish();
      return type.isPresent() && password.isPresent() ? Optional.of(new AuthConfig(type.get(), password.get())) : Optional.empty();
    });
  }

  private Optional<GarpConfig> garp(MappingReader parent) {
    return MappingReader.of(parent.node("garp").orElseThrow(), "garp", parent.keyAt("garp"), problems).map(r -> {
      Duration delay = r.duration("delay", Duration.ZERO, Duration.ofHours(1)).orElse(GarpConfig.DEFAULT.delay());
      int repeat = r.integer("repeat", "garp repeat", 1, GarpConfig.MAX_REPEAT).orElse(GarpConfig.DEFAULT.repeat());
      Duration refresh = r.duration("refresh", Duration.ZERO, Duration.ofDays(1)).orElse(Duration.ZERO);
      r.finish();
      return new GarpConfig(delay, repeat, refresh);
    });
  }

  private List<TrackConfig> tracks(MappingReader r, Map<String, CheckConfig> checks) {
    List<TrackConfig> out = r.listOf("track", "{ check: NAME, weight: N }", n -> track(r, n, checks));
    if (out.size() > InstanceConfig.MAX_TRACKS) {
      problems.add(r.at("track"), "track: " + out.size() + " entries (expected: at most " + InstanceConfig.MAX_TRACKS + ")");
    }
    return out;
  }

  private Optional<TrackConfig> track(MappingReader parent, YamlNode n, Map<String, CheckConfig> checks) {
    if (n instanceof Scalar s && s.kind() == ScalarKind.STRING) {
      return checkReference(s.text(), n.position(), checks).map(c -> new TrackConfig(c, 0, false));
    }
    return MappingReader.of(n, "track entry", n.position(), problems).flatMap(r -> {
      Optional<String> check = r.requiredString("check", "the name of a check");
      int weight = r.integer("weight", "weight", TrackConfig.MIN_WEIGHT, TrackConfig.MAX_WEIGHT).orElse(0);
      boolean reverse = r.bool("reverse").orElse(false);
      r.finish();
      return check.flatMap(c -> checkReference(c, r.at("check"), checks)).map(c -> new TrackConfig(c, weight, reverse));
    });
  }

  private Optional<String> checkReference(String name, Position at, Map<String, CheckConfig> checks) {
    if (checks.containsKey(name)) {
      return Optional.of(name);
    }
    if (declaredChecks.contains(name)) {
      return Optional.empty(); // defined but invalid: its own problems are reported
    }
    problems.add(at, "track names undefined check \"" + YamlNode.abbreviate(name) + "\" (expected: "
        + (declaredChecks.isEmpty() ? "a check defined under checks:" : MappingReader.oneOf(declaredChecks)) + ")");
    return Optional.empty();
  }

  private Optional<PriorityOrderConfig> priorityOrder(MappingReader parent, YamlNode n) {
    return MappingReader.of(n, "priority-order", parent.keyAt("priority-order"), problems).flatMap(r -> {
      Optional<Path> file = r.requiredString("file", "an absolute path").flatMap(p -> absolutePath(r, "file", p));
      List<Integer> ranks = r.listOf("ranks", "priorities", i -> r.integerValue(i, "rank", 1, 254));
      if (!r.has("ranks")) {
        r.missing("ranks", "a list of priorities, e.g. [250, 200, 150, 100]");
      } else if (r.node("ranks").get() instanceof YamlNode.Sequence s && s.items().isEmpty()) {
        problems.add(r.at("ranks"), "ranks is empty (expected: at least one priority)");
      } else if (ranks.size() > PriorityOrderConfig.MAX_RANKS) {
        problems.add(r.at("ranks"), "ranks: " + ranks.size() + " entries (expected: at most " + PriorityOrderConfig.MAX_RANKS + ")");
      }
      boolean reverse = r.bool("reverse").orElse(false);
      OptionalInt unlisted = OptionalInt.empty();
      Optional<YamlNode> u = r.node("unlisted");
      if (u.isPresent()) {
        if (u.get() instanceof Scalar s && s.kind() == ScalarKind.STRING && s.text().equals("fault")) {
          unlisted = OptionalInt.empty();
        } else if (u.get() instanceof Scalar s && s.kind() == ScalarKind.INTEGER) {
          unlisted = r.integerValue(s, "unlisted priority", 1, 254).map(OptionalInt::of).orElse(OptionalInt.empty());
        } else {
          problems.add(u.get().position(), "unlisted " + YamlNode.describe(u.get()) + " (expected: fault or a priority 1..254)");
        }
      }
      r.finish();
      if (file.isEmpty() || ranks.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new PriorityOrderConfig(file.get(), ranks, reverse, unlisted));
    });
  }

  private Optional<Path> absolutePath(MappingReader r, String key, String text) {
    if (!text.startsWith("/") || text.indexOf('\0') >= 0) {
      problems.add(r.at(key), key + " \"" + YamlNode.abbreviate(text) + "\" is not an absolute path (expected: a path starting with /)");
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(text).normalize());
    } catch (RuntimeException e) {
      problems.add(r.at(key), key + " \"" + YamlNode.abbreviate(text) + "\" is not a valid path (expected: an absolute path)");
      return Optional.empty();
    }
  }

  private void duplicateVrids(MappingReader r, Map<String, InstanceConfig> instances) {
    Map<String, InstanceConfig> seen = new HashMap<>();
    for (InstanceConfig i : instances.values()) {
      String key = i.interfaceName() + "/" + i.family() + "/" + i.vrid();
      InstanceConfig first = seen.putIfAbsent(key, i);
      if (first != null) {
        Position at = r.node("instances")
            .filter(Mapping.class::isInstance)
            .map(m -> ((Mapping) m).entries().get(i.name()))
            .flatMap(e -> e.value() instanceof Mapping im && im.entries().containsKey("vrid")
                ? Optional.of(im.entries().get("vrid").value().position()) : Optional.empty())
            .orElse(new Position(1, 1));
        problems.add(at, "VRID " + i.vrid() + " on " + i.interfaceName() + " (" + name(i.family()) + ") is already used by instance \""
            + first.name() + "\" (expected: a unique VRID per interface and address family)");
      }
    }
  }

  // ---------------------------------------------------------------- sync groups

  private Map<String, SyncGroupConfig> syncGroups(MappingReader r, Map<String, InstanceConfig> instances) {
    Map<String, String> memberOf = new HashMap<>();
    return namedMap(r, "sync-groups", "sync group", MAX_INSTANCES, (name, e) -> {
      String where = "sync group \"" + name + "\"";
      if (declaredInstances.contains(name)) {
        problems.add(e.keyPosition(), where + " has the name of an instance (expected: a name of its own; hooks and status name both)");
        return Optional.empty();
      }
      if (!(e.value() instanceof YamlNode.Sequence s)) {
        problems.add(e.value() instanceof Scalar sc && sc.kind() == ScalarKind.NULL ? e.keyPosition() : e.value().position(),
            where + " is " + YamlNode.describe(e.value()) + " (expected: a list of instance names)");
        return Optional.empty();
      }
      if (s.items().size() < 2) {
        problems.add(s.position(), where + " has " + s.items().size() + " instance" + (s.items().size() == 1 ? "" : "s")
            + " (expected: at least 2)");
      }
      List<String> members = new ArrayList<>();
      boolean ok = true;
      for (YamlNode item : s.items()) {
        if (!(item instanceof Scalar sc) || sc.kind() == ScalarKind.NULL) {
          problems.add(item.position(), where + ": member is " + YamlNode.describe(item) + " (expected: an instance name)");
          ok = false;
          continue;
        }
        String member = sc.text();
        if (!instances.containsKey(member) && declaredInstances.contains(member)) {
          ok = false;
        } else if (!instances.containsKey(member)) {
          problems.add(item.position(), where + " names unknown instance \"" + YamlNode.abbreviate(member) + "\" (expected: "
              + (declaredInstances.isEmpty() ? "an instance defined under instances:" : MappingReader.oneOf(declaredInstances)) + ")");
          ok = false;
        } else if (memberOf.containsKey(member)) {
          problems.add(item.position(), "instance \"" + member + "\" is already in sync group \"" + memberOf.get(member)
              + "\" (expected: each instance in at most one sync group)");
          ok = false;
        } else {
          memberOf.put(member, name);
          members.add(member);
        }
      }
      return ok && s.items().size() >= 2 ? Optional.of(new SyncGroupConfig(name, members)) : Optional.empty();
    });
  }

  // ---------------------------------------------------------------- checks

  private Optional<CheckConfig> check(String name, Entry entry) {
    Optional<MappingReader> maybe = MappingReader.of(entry.value(), "check \"" + name + "\"", entry.keyPosition(), problems);
    if (maybe.isEmpty()) {
      return Optional.empty();
    }
    MappingReader r = maybe.get();
    int before = problemCount();
    Duration interval = r.duration("interval", CheckConfig.MIN_INTERVAL, CheckConfig.MAX_INTERVAL).orElse(CheckConfig.DEFAULT_INTERVAL);
    Optional<Duration> timeout = r.duration("timeout", Duration.ofMillis(1), CheckConfig.MAX_INTERVAL);
    if (timeout.isPresent() && timeout.get().compareTo(interval) > 0) {
      problems.add(r.at("timeout"), "timeout " + DurationSyntax.format(timeout.get()) + " is longer than interval "
          + DurationSyntax.format(interval) + " (expected: at most the interval)");
    }
    int rise = r.integer("rise", "rise", 1, CheckConfig.MAX_RISE_FALL).orElse(1);
    int fall = r.integer("fall", "fall", 1, CheckConfig.MAX_RISE_FALL).orElse(1);
    CheckConfig.InitialState initial = r.choice("initial", ConfigBinder.<CheckConfig.InitialState>options("up", CheckConfig.InitialState.UP, "down", CheckConfig.InitialState.DOWN))
        .orElse(CheckConfig.InitialState.DOWN);
    List<String> present = new ArrayList<>();
    for (String p : PROBES) {
      if (r.entry(p).isPresent()) {
        present.add(p);
      }
    }
    Optional<ProbeConfig> probe = Optional.empty();
    if (present.isEmpty()) {
      problems.add(entry.keyPosition(), "check \"" + name + "\" has no probe (expected: one of " + String.join(", ", PROBES) + ")");
    } else if (present.size() > 1) {
      problems.add(r.keyAt(present.get(1)), "check \"" + name + "\" has two probes, " + present.get(0) + " and " + present.get(1)
          + " (expected: exactly one probe per check)");
    } else {
      String kind = present.getFirst();
      YamlNode n = r.entry(kind).orElseThrow().value();
      probe = MappingReader.of(n, kind + " probe of check \"" + name + "\"", r.keyAt(kind), problems).flatMap(p -> {
        Optional<ProbeConfig> c = switch (kind) {
          case "dns" -> dns(p);
          case "http" -> http(p);
          case "tcp" -> tcp(p);
          case "process" -> process(p);
          case "script" -> script(p);
          case "file" -> file(p);
          case "interface" -> interfaceProbe(p);
          default -> throw new IllegalStateException("probe kind " + kind);
        };
        p.finish();
        return c;
      });
    }
    r.finish();
    if (problemCount() != before || probe.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CheckConfig(name, interval, timeout.orElse(interval), rise, fall, initial, probe.get()));
  }

  /** host, host:port, [v6]:port or a bare IPv6 literal ({@link HostPort#parse}). */
  private Optional<HostPort> hostPort(MappingReader r, String key, String text, int defaultPort) {
    try {
      return Optional.of(HostPort.parse(text, defaultPort));
    } catch (IllegalArgumentException e) {
      problems.add(r.at(key), key + " \"" + YamlNode.abbreviate(text) + "\": " + e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<ProbeConfig> dns(MappingReader r) {
    Optional<HostPort> server = r.requiredString("server", "a host[:port], e.g. 127.0.0.1").flatMap(s -> hostPort(r, "server", s, 53));
    Optional<String> name = r.requiredString("name", "a query name, e.g. example.org").filter(n -> {
      if (AddressSyntax.isHostName(n) || n.equals(".")) {
        return true;
      }
      problems.add(r.at("name"), "name \"" + YamlNode.abbreviate(n) + "\" is not a domain name (expected: e.g. example.org)");
      return false;
    });
    String type = upper(r, "type", DNS_TYPE, "a record type such as A, AAAA, TXT, SOA").orElse("A");
    String dnsClass = upper(r, "class", Pattern.compile("IN|CH|HS"), "IN, CH or HS").orElse("IN");
    boolean tcp = r.bool("tcp").orElse(false);
    boolean dnssec = r.bool("dnssec").orElse(false);
    boolean requireAd = r.bool("require-ad").orElse(false);
    String rcode = upper(r, "expect-rcode", RCODE, "a response code such as NOERROR, NXDOMAIN").orElse("NOERROR");
    List<String> answers = r.listOf("expect-answers", "answer texts", n -> r.scalarText(n, "expected answer", "an answer's text"));
    Optional<String> contains = r.string("answer-contains", "text");
    Optional<Pattern> regex = r.regex("answer-regex");
    boolean requireAnswer = r.bool("require-answer").orElse(false);
    if (server.isEmpty() || name.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ProbeConfig.Dns(server.get().host(), server.get().port(), name.get(), type, dnsClass, tcp, dnssec,
        requireAd, rcode, answers, contains, regex, requireAnswer));
  }

  private Optional<String> upper(MappingReader r, String key, Pattern allowed, String expected) {
    return r.string(key, expected).flatMap(t -> {
      String u = t.toUpperCase(Locale.ROOT);
      if (allowed.matcher(u).matches()) {
        return Optional.of(u);
      }
      problems.add(r.at(key), key + " \"" + YamlNode.abbreviate(t) + "\" (expected: " + expected + ")");
      return Optional.empty();
    });
  }

  private Optional<ProbeConfig> http(MappingReader r) {
    Optional<URI> url = r.requiredString("url", "an http:// or https:// URL").flatMap(u -> {
      try {
        URI uri = new URI(u);
        if (uri.getScheme() != null && (uri.getScheme().equals("http") || uri.getScheme().equals("https")) && uri.getHost() != null) {
          return Optional.of(uri);
        }
      } catch (URISyntaxException e) {
        // reported below
      }
      problems.add(r.at("url"), "url \"" + YamlNode.abbreviate(u) + "\" (expected: an http:// or https:// URL with a host)");
      return Optional.empty();
    });
    String method = upper(r, "method", HTTP_METHOD, "GET, HEAD, POST, PUT, DELETE, OPTIONS or PATCH").orElse("GET");
    Optional<String> host = r.string("host", "a host name").filter(h -> {
      if (AddressSyntax.isHostName(h) || AddressSyntax.literal(h).isPresent()) {
        return true;
      }
      problems.add(r.at("host"), "host \"" + YamlNode.abbreviate(h) + "\" is not a host name (expected: e.g. www.example.org)");
      return false;
    });
    Optional<InetAddress> connectTo = r.string("connect-to", "an IP address").flatMap(t -> {
      Optional<InetAddress> ip = AddressSyntax.literal(t);
      if (ip.isEmpty()) {
        problems.add(r.at("connect-to"), "connect-to \"" + YamlNode.abbreviate(t) + "\" is not an IP address (expected: an IP address; the URL's host is sent as Host)");
      }
      return ip;
    });
    ProbeConfig.Family family = r.choice("family", ConfigBinder.<ProbeConfig.Family>options("any", ProbeConfig.Family.ANY, "ipv4", ProbeConfig.Family.IPV4,
        "ipv6", ProbeConfig.Family.IPV6)).orElse(ProbeConfig.Family.ANY);
    if (connectTo.isPresent() && family != ProbeConfig.Family.ANY
        && (family == ProbeConfig.Family.IPV4) != (connectTo.get() instanceof Inet4Address)) {
      problems.add(r.at("family"), "family " + family.name().toLowerCase(Locale.ROOT) + " contradicts connect-to "
          + AddressSyntax.format(connectTo.get()) + " (expected: the family of connect-to, or no family)");
    }
    List<ProbeConfig.StatusRange> status = statuses(r);
    Optional<String> bodyContains = r.string("body-contains", "text");
    Optional<Pattern> bodyRegex = r.regex("body-regex");
    boolean https = url.map(u -> u.getScheme().equals("https")).orElse(true);
    boolean tlsVerify = r.bool("tls-verify").orElse(true);
    Optional<String> pin = r.string("tls-pin", "a SHA-256 fingerprint in hex").map(p -> p.replace(":", "")).filter(p -> {
      if (SHA256_HEX.matcher(p).matches()) {
        return true;
      }
      problems.add(r.at("tls-pin"), "tls-pin is not a SHA-256 fingerprint (expected: 64 hex digits, colons allowed)");
      return false;
    }).map(p -> p.toLowerCase(Locale.ROOT));
    Duration expiry = r.duration("cert-expiry-warning", Duration.ZERO, Duration.ofDays(365)).orElse(Duration.ofDays(14));
    for (String tlsKey : List.of("tls-verify", "tls-pin", "cert-expiry-warning")) {
      if (!https && r.has(tlsKey)) {
        problems.add(r.keyAt(tlsKey), tlsKey + " is set for an http:// URL (expected: an https:// URL, or no " + tlsKey + ")");
      }
    }
    int maxBody = r.integer("max-body-bytes", "max-body-bytes", 1, ProbeConfig.Http.MAX_BODY_BYTES).orElse(ProbeConfig.Http.DEFAULT_MAX_BODY_BYTES);
    if (url.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ProbeConfig.Http(url.get(), method, host, connectTo, family,
        status.isEmpty() ? List.of(new ProbeConfig.StatusRange(200, 200)) : status, bodyContains, bodyRegex, tlsVerify, pin,
        expiry, maxBody));
  }

  private List<ProbeConfig.StatusRange> statuses(MappingReader r) {
    Optional<YamlNode> n = r.node("expect-status");
    if (n.isEmpty()) {
      return List.of();
    }
    List<YamlNode> items = n.get() instanceof YamlNode.Sequence s ? s.items() : List.of(n.get());
    List<ProbeConfig.StatusRange> out = new ArrayList<>();
    for (YamlNode item : items) {
      if (item instanceof Scalar s && s.kind() == ScalarKind.INTEGER) {
        r.integerValue(item, "expect-status", 100, 599).ifPresent(v -> out.add(new ProbeConfig.StatusRange(v, v)));
      } else if (item instanceof Scalar s && s.text().matches("[0-9]{3}-[0-9]{3}")) {
        int from = Integer.parseInt(s.text().substring(0, 3));
        int to = Integer.parseInt(s.text().substring(4));
        if (from < 100 || to > 599 || from > to) {
          problems.add(item.position(), "expect-status range " + s.text() + " (expected: a range within 100-599, low-high)");
        } else {
          out.add(new ProbeConfig.StatusRange(from, to));
        }
      } else {
        problems.add(item.position(), "expect-status " + YamlNode.describe(item) + " (expected: a status like 200, a range like 200-299, or a list of them)");
      }
    }
    return out;
  }

  private Optional<ProbeConfig> tcp(MappingReader r) {
    Optional<String> host = r.requiredString("host", "a host name or address").filter(h -> {
      if (AddressSyntax.isHostName(h) || AddressSyntax.literal(h).isPresent()) {
        return true;
      }
      problems.add(r.at("host"), "host \"" + YamlNode.abbreviate(h) + "\" is not a host name or address (expected: e.g. 127.0.0.1)");
      return false;
    });
    Optional<Integer> port = r.requiredInteger("port", "port", 1, 65535);
    Optional<String> send = r.string("send", "text to send");
    Optional<Pattern> expect = r.regex("expect");
    int within = r.integer("expect-within", "expect-within", 1, ProbeConfig.Tcp.MAX_EXPECT_BYTES).orElse(ProbeConfig.Tcp.DEFAULT_EXPECT_BYTES);
    if (host.isEmpty() || port.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ProbeConfig.Tcp(host.get(), port.get(), send, expect, within));
  }

  private Optional<ProbeConfig> process(MappingReader r) {
    Optional<String> name = r.string("name", "a process name").filter(n -> {
      if (n.length() <= 15 && n.indexOf('/') < 0) {
        return true;
      }
      problems.add(r.at("name"), "process name \"" + YamlNode.abbreviate(n)
          + "\" (expected: the kernel's name of at most 15 characters without \"/\"; use cmdline for the full command line)");
      return false;
    });
    Optional<Pattern> cmdline = r.regex("cmdline");
    Optional<Path> pidFile = r.string("pid-file", "an absolute path").flatMap(p -> absolutePath(r, "pid-file", p));
    int minCount = r.integer("min-count", "min-count", 1, 10_000).orElse(1);
    List<String> given = new ArrayList<>();
    for (String k : List.of("name", "cmdline", "pid-file")) {
      if (r.has(k)) {
        given.add(k);
      }
    }
    if (given.size() != 1) {
      problems.add(given.size() > 1 ? r.keyAt(given.get(1)) : r.owner(), "process probe " + (given.isEmpty() ? "has none of name, cmdline, pid-file"
          : "has both " + given.get(0) + " and " + given.get(1)) + " (expected: exactly one of name, cmdline, pid-file)");
      return Optional.empty();
    }
    if (name.isEmpty() && cmdline.isEmpty() && pidFile.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ProbeConfig.Process(name, cmdline, pidFile, minCount));
  }

  private Optional<List<String>> argv(MappingReader r, String key) {
    if (!r.has(key)) {
      r.missing(key, "a list: the program's absolute path, then its arguments");
      return Optional.empty();
    }
    Optional<List<YamlNode>> items = r.list(key, "the program's absolute path, then its arguments");
    if (items.isEmpty()) {
      return Optional.empty();
    }
    if (items.get().isEmpty()) {
      problems.add(r.at(key), key + " is empty (expected: the program's absolute path, then its arguments)");
      return Optional.empty();
    }
    if (items.get().size() > 256) {
      problems.add(r.at(key), key + ": " + items.get().size() + " arguments (expected: at most 256)");
      return Optional.empty();
    }
    List<String> argv = new ArrayList<>();
    for (YamlNode n : items.get()) {
      if (n instanceof Scalar s && s.kind() != ScalarKind.NULL) {
        argv.add(s.text());
      } else {
        problems.add(n.position(), key + " argument is " + YamlNode.describe(n) + " (expected: a string)");
        return Optional.empty();
      }
    }
    if (!argv.getFirst().startsWith("/")) {
      problems.add(items.get().getFirst().position(), key + " program \"" + YamlNode.abbreviate(argv.getFirst())
          + "\" is not an absolute path (expected: e.g. /usr/local/bin/check; no shell is used, write [/bin/sh, -c, \"...\"] for one)");
      return Optional.empty();
    }
    Optional<String> unsafe = rules.executable(Path.of(argv.getFirst()));
    if (unsafe.isPresent()) {
      problems.add(items.get().getFirst().position(), unsafe.get());
      return Optional.empty();
    }
    return Optional.of(argv);
  }

  private Optional<ProbeConfig> script(MappingReader r) {
    Optional<List<String>> exec = argv(r, "exec");
    Optional<String> user = r.string("user", "a user name");
    int maxOutput = r.integer("max-output-bytes", "max-output-bytes", 0, ProbeConfig.Script.MAX_OUTPUT_BYTES)
        .orElse(ProbeConfig.Script.DEFAULT_OUTPUT_BYTES);
    Duration grace = r.duration("kill-grace", Duration.ZERO, Duration.ofMinutes(1)).orElse(Duration.ofSeconds(1));
    return exec.map(e -> new ProbeConfig.Script(e, user, maxOutput, grace));
  }

  private Optional<ProbeConfig> file(MappingReader r) {
    return r.requiredString("path", "an absolute path").flatMap(p -> absolutePath(r, "path", p)).map(ProbeConfig.File::new);
  }

  private Optional<ProbeConfig> interfaceProbe(MappingReader r) {
    return r.requiredString("name", "an interface name").filter(n -> interfaceName(r, "name", n)).map(ProbeConfig.Interface::new);
  }

  // ---------------------------------------------------------------- control

  private Optional<ControlConfig> control(MappingReader parent) {
    return MappingReader.of(parent.node("control").orElseThrow(), "control", parent.keyAt("control"), problems).map(r -> {
      Optional<InetSocketAddress> listen = ControlConfig.DEFAULT.listen();
      Optional<YamlNode> l = r.node("listen");
      if (l.isPresent()) {
        if (l.get() instanceof Scalar s && (s.text().equals("off") || s.kind() == ScalarKind.BOOLEAN && s.text().equals("false"))) {
          listen = Optional.empty();
        } else {
          listen = r.scalarText(l.get(), "listen", "an address:port or off").flatMap(t -> hostPort(r, "listen", t, ControlConfig.DEFAULT_PORT))
              .flatMap(hp -> {
                Optional<InetAddress> ip = AddressSyntax.literal(hp.host());
                if (ip.isEmpty()) {
                  problems.add(r.at("listen"), "listen \"" + hp.host() + "\" is not an IP address (expected: e.g. 127.0.0.1:9740 or [::1]:9740)");
                  return Optional.empty();
                }
                return Optional.of(new InetSocketAddress(ip.get(), hp.port()));
              });
        }
      }
      Optional<Path> unix = r.string("unix-socket", "an absolute path").flatMap(p -> absolutePath(r, "unix-socket", p));
      r.finish();
      return new ControlConfig(listen, unix);
    });
  }

  private LimitsConfig limits(MappingReader parent) {
    return MappingReader.of(parent.node("limits").orElseThrow(), "limits", parent.keyAt("limits"), problems).map(r -> {
      int scripts = r.integer("running-scripts", "running-scripts", 1, LimitsConfig.MAX_RUNNING_SCRIPTS)
          .orElse(LimitsConfig.DEFAULT_RUNNING_SCRIPTS);
      r.finish();
      return new LimitsConfig(scripts);
    }).orElse(LimitsConfig.DEFAULT);
  }

  // ---------------------------------------------------------------- notify

  private NotifyConfig notify(MappingReader parent, Map<String, InstanceConfig> instances, Map<String, SyncGroupConfig> groups) {
    Optional<MappingReader> maybe = MappingReader.of(parent.node("notify").orElseThrow(), "notify", parent.keyAt("notify"), problems);
    if (maybe.isEmpty()) {
      return NotifyConfig.NONE;
    }
    MappingReader r = maybe.get();
    List<Hook> hooks = r.listOf("hooks", "hooks", n -> hook(n, instances, groups));
    if (hooks.size() > NotifyConfig.MAX_HOOKS) {
      problems.add(r.at("hooks"), "hooks: " + hooks.size() + " hooks (expected: at most " + NotifyConfig.MAX_HOOKS + ")");
    }
    Optional<Email> email = r.node("email").flatMap(n -> email(r, n));
    Events events = r.node("events").flatMap(n -> events(r, n)).orElse(Events.NONE);
    r.finish();
    return new NotifyConfig(hooks, email, events);
  }

  private Optional<Hook> hook(YamlNode n, Map<String, InstanceConfig> instances, Map<String, SyncGroupConfig> groups) {
    return MappingReader.of(n, "hook", n.position(), problems).flatMap(r -> {
      Optional<List<String>> exec = argv(r, "exec");
      Duration timeout = r.duration("timeout", Duration.ofMillis(100), Hook.MAX_TIMEOUT).orElse(Hook.DEFAULT_TIMEOUT);
      Map<String, NotifyConfig.State> states = options("master", NotifyConfig.State.MASTER, "backup", NotifyConfig.State.BACKUP,
          "fault", NotifyConfig.State.FAULT, "stop", NotifyConfig.State.STOP);
      Set<NotifyConfig.State> on = EnumSet.noneOf(NotifyConfig.State.class);
      on.addAll(r.listOf("on", "states", i -> r.choiceValue(i, "on", states)));
      List<String> names = r.listOf("instances", "instance or sync group names", i -> r.scalarText(i, "instance", "a name").filter(name -> {
        if (instances.containsKey(name) || groups.containsKey(name)) {
          return true;
        }
        if (declaredInstances.contains(name) || declaredGroups.contains(name)) {
          return false;
        }
        List<String> all = new ArrayList<>(declaredInstances);
        all.addAll(declaredGroups);
        problems.add(i.position(), "hook names unknown instance \"" + YamlNode.abbreviate(name) + "\" (expected: "
            + (all.isEmpty() ? "an instance or sync group" : MappingReader.oneOf(all)) + ")");
        return false;
      }));
      r.finish();
      return exec.map(e -> new Hook(e, timeout, on, names));
    });
  }

  private Optional<Email> email(MappingReader parent, YamlNode n) {
    return MappingReader.of(n, "email", parent.keyAt("email"), problems).flatMap(r -> {
      Optional<Smtp> smtp = r.has("smtp") ? r.node("smtp").flatMap(s -> smtp(r, s)) : Optional.empty();
      if (!r.has("smtp")) {
        r.missing("smtp", "{ host: ..., port: ... }");
      }
      Optional<String> from = r.requiredString("from", "a mail address").filter(a -> mailAddress(r, "from", a, r.at("from")));
      List<String> to = r.listOf("to", "mail addresses", i -> r.scalarText(i, "to", "a mail address").filter(a -> mailAddress(r, "to", a, i.position())));
      if (!r.has("to")) {
        r.missing("to", "a list of mail addresses");
      } else if (r.node("to").get() instanceof YamlNode.Sequence s && s.items().isEmpty()) {
        problems.add(r.at("to"), "to is empty (expected: at least one mail address)");
      }
      Map<String, MailTrigger> triggers = options("master", MailTrigger.MASTER, "backup", MailTrigger.BACKUP, "fault", MailTrigger.FAULT,
          "stop", MailTrigger.STOP, "backup-after-failure", MailTrigger.BACKUP_AFTER_FAILURE);
      Set<MailTrigger> when = EnumSet.noneOf(MailTrigger.class);
      if (r.has("when")) {
        when.addAll(r.listOf("when", "states", i -> r.choiceValue(i, "when", triggers)));
      } else {
        when.addAll(EnumSet.of(MailTrigger.MASTER, MailTrigger.FAULT, MailTrigger.BACKUP_AFTER_FAILURE));
      }
      Duration coalesce = r.duration("coalesce", Duration.ZERO, Email.MAX_COALESCE).orElse(Email.DEFAULT_COALESCE);
      r.finish();
      if (smtp.isEmpty() || from.isEmpty() || to.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Email(smtp.get(), from.get(), to, when, coalesce));
    });
  }

  private boolean mailAddress(MappingReader r, String key, String a, Position at) {
    if (MAIL_ADDRESS.matcher(a).matches()) {
      return true;
    }
    problems.add(at, key + " \"" + YamlNode.abbreviate(a) + "\" is not a mail address (expected: user@domain)");
    return false;
  }

  private Optional<Smtp> smtp(MappingReader parent, YamlNode n) {
    return MappingReader.of(n, "smtp", parent.keyAt("smtp"), problems).flatMap(r -> {
      Optional<String> host = r.requiredString("host", "the SMTP server's host name or address").filter(h -> {
        if (AddressSyntax.isHostName(h) || AddressSyntax.literal(h).isPresent()) {
          return true;
        }
        problems.add(r.at("host"), "host \"" + YamlNode.abbreviate(h) + "\" is not a host name or address (expected: e.g. localhost)");
        return false;
      });
      boolean tls = r.bool("tls").orElse(false);
      StartTls starttls = r.choice("starttls", ConfigBinder.<StartTls>options("none", StartTls.NONE, "optional", StartTls.OPTIONAL, "required", StartTls.REQUIRED))
          .orElse(tls ? StartTls.NONE : StartTls.OPTIONAL);
      if (tls && r.has("starttls") && starttls != StartTls.NONE) {
        problems.add(r.keyAt("starttls"), "starttls with tls: true (expected: one of them; tls: true is implicit TLS, usually port 465)");
      }
      int port = r.integer("port", "port", 1, 65535).orElse(tls ? 465 : 25);
      Optional<String> user = r.string("username", "a user name");
      Optional<Path> passwordFile = r.string("password-file", "an absolute path").flatMap(p -> absolutePath(r, "password-file", p))
          .filter(p -> {
            Optional<String> unsafe = rules.secret(p);
            unsafe.ifPresent(u -> problems.add(r.at("password-file"), u));
            return unsafe.isEmpty();
          });
      if (r.has("username") != r.has("password-file")) {
        String given = r.has("username") ? "username" : "password-file";
        String other = r.has("username") ? "password-file" : "username";
        problems.add(r.keyAt(given), given + " without " + other + " (expected: both for SMTP AUTH, or neither)");
      }
      Duration timeout = r.duration("timeout", Duration.ofMillis(100), Duration.ofMinutes(5)).orElse(Duration.ofSeconds(10));
      r.finish();
      return host.map(h -> new Smtp(h, port, starttls, tls, user, passwordFile, timeout));
    });
  }

  private Optional<Events> events(MappingReader parent, YamlNode n) {
    return MappingReader.of(n, "events", parent.keyAt("events"), problems).map(r -> {
      Optional<String> log = r.string("log", "stdout or an absolute path");
      boolean stdout = log.filter("stdout"::equals).isPresent();
      Optional<Path> logFile = stdout ? Optional.empty() : log.flatMap(p -> absolutePath(r, "log", p));
      Optional<Path> fifo = r.string("fifo", "an absolute path").flatMap(p -> absolutePath(r, "fifo", p));
      r.finish();
      return new Events(logFile, stdout, fifo);
    });
  }
}
