package org.vrrpagent.agent.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.vrrpagent.agent.config.YamlNode.Entry;
import org.vrrpagent.agent.config.YamlNode.Mapping;
import org.vrrpagent.agent.config.YamlNode.Position;
import org.vrrpagent.agent.config.YamlNode.Scalar;
import org.vrrpagent.agent.config.YamlNode.ScalarKind;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.core.fsm.ReceivePolicy;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.AuthType;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.TtlWindow;
import org.vrrpagent.core.wire.VrrpVersion;

/**
 * {@code instances:} and {@code sync-groups:}: each instance's VRRP settings, addresses, tracking
 * and priority-order file, and the rules across instances (one VRID per interface and family, an
 * address in one instance, each instance in at most one sync group).
 */
final class InstanceBinder extends Binder {
  static final int MAX_INSTANCES = 1024;
  private static final Duration MAX_ADVERT_V3 = Duration.ofMillis(40950);
  private static final Duration MIN_ADVERT_V3 = Duration.ofMillis(10);

  /** Per instance, the instances it says share its addresses ({@code shares-addresses-with}). */
  private final Map<String, Set<String>> sharesWith = new HashMap<>();

  /** This host's name ({@code node:}), which an instance's {@code hosts:} must name. */
  private final String node;

  InstanceBinder(Problems problems, FileRules rules, Declared declared, Path baseDir, String node) {
    super(problems, rules, declared, baseDir);
    this.node = node;
  }

  /** The instances under {@code instances:}; {@code checks} are the valid checks they may track. */
  Map<String, InstanceConfig> instances(MappingReader r, Map<String, CheckSpec> checks) {
    return namedMap(
        r, "instances", "instance", MAX_INSTANCES, (name, e) -> instance(name, e, checks));
  }

  private Optional<InstanceConfig> instance(
      String name, Entry entry, Map<String, CheckSpec> checks) {
    Optional<MappingReader> maybe =
        MappingReader.of(entry.value(), "instance \"" + name + "\"", entry.keyPosition(), problems);
    if (maybe.isEmpty()) {
      return Optional.empty();
    }
    MappingReader r = maybe.get();
    int before = problemCount();
    boolean carp =
        r.choice("protocol", Binder.<Boolean>options("vrrp", false, "carp", true)).orElse(false);
    if (carp) {
      return carpInstance(name, r, checks, before);
    }
    Optional<String> iface =
        r.requiredString("interface", "an interface name")
            .filter(n -> interfaceName(r, "interface", n));
    Optional<Integer> vrid = r.requiredInteger("vrid", "VRID", 1, 255);
    VrrpVersion version =
        r.node("version")
            .flatMap(
                n -> {
                  if (n instanceof Scalar s && (s.text().equals("2") || s.text().equals("3"))) {
                    return Optional.of(s.text().equals("2") ? VrrpVersion.V2 : VrrpVersion.V3);
                  }
                  problems.add(
                      n.position(),
                      "version " + YamlNode.describe(n).replace("\"", "") + " (expected: 2 or 3)");
                  return Optional.empty();
                })
            .orElse(VrrpVersion.V3);
    Optional<Integer> priority = basePrioritySetting(r, "priority", 1, 255, "the priority");
    Duration advert =
        r.duration("advert-interval", Duration.ofMillis(1), Duration.ofDays(1))
            .orElse(Duration.ofSeconds(1));
    if (r.node("advert-interval").isPresent()) {
      checkAdvertInterval(r, version, advert);
    }
    boolean preempt = r.bool("preempt").orElse(true);
    Duration preemptDelay =
        r.duration("preempt-delay", Duration.ZERO, Duration.ofHours(1)).orElse(Duration.ZERO);
    boolean fastPreempt = r.bool("fast-preempt").orElse(false);
    List<VirtualAddress> addresses = addresses(r, version);
    boolean noAddresses =
        r.node("addresses")
            .filter(n -> n instanceof YamlNode.Sequence s && s.items().isEmpty())
            .isPresent();
    ActionsConfig actions =
        new ActionBinder(problems, rules, declared, baseDir, node).bind(r, version, noAddresses);
    AddressFamily family =
        !addresses.isEmpty()
            ? addresses.getFirst().family()
            : actions.advertised().isEmpty()
                ? null
                : AddressFamily.of(actions.advertised().getFirst());
    Optional<InetAddress> source =
        r.node("source").flatMap(n -> address(n, "source", family, version));
    List<UnicastPeer> peerEntries =
        r.listOf(
            "unicast-peers",
            "IP addresses or { address: IP, min-ttl: N, max-ttl: N }",
            n -> unicastPeer(r, n, family, version));
    List<InetAddress> peers = peerEntries.stream().map(UnicastPeer::address).toList();
    if (iface.isPresent()) {
      peersOnLink(iface.get(), peerEntries, addresses);
    }
    tooMany(r, "unicast-peers", peers.size(), "peers", InstanceConfig.MAX_UNICAST_PEERS);
    Auth parsedAuth =
        r.node("auth").map(n -> auth(r, n, version, !peers.isEmpty())).orElse(Auth.NONE);
    Optional<AuthConfig> auth = parsedAuth.pass();
    Optional<HmacAuthConfig> hmac = parsedAuth.hmac();
    ChecksumMode checksum =
        r.choice(
                "checksum",
                Binder.<ChecksumMode>options(
                    "pseudo-header",
                    ChecksumMode.PSEUDO_HEADER,
                    "rfc9568",
                    ChecksumMode.MESSAGE_ONLY))
            .orElse(null);
    if (r.node("checksum").isPresent()
        && checksum != null
        && (version == VrrpVersion.V2 || family == AddressFamily.IPV6)) {
      problems.add(
          r.at("checksum"),
          "checksum is set but only applies to VRRPv3 over IPv4 (expected: no checksum key for "
              + (version == VrrpVersion.V2 ? "version 2" : "IPv6")
              + ")");
    }
    if (checksum == null) {
      // VRRPv2 has no pseudo-header; IPv6 always has one; v3 over IPv4 defaults to RFC 5798's.
      checksum = version == VrrpVersion.V2 ? ChecksumMode.MESSAGE_ONLY : ChecksumMode.PSEUDO_HEADER;
    }
    GarpConfig garp =
        r.node("garp").isPresent() ? garp(r).orElse(GarpConfig.DEFAULT) : GarpConfig.DEFAULT;
    boolean virtualMac = r.bool("virtual-mac").orElse(false);
    boolean owner = priority.filter(p -> p == InstanceConfig.OWNER_PRIORITY).isPresent();
    List<TrackConfig> track = tracks(r, checks, owner);
    List<String> shares =
        r.listOf(
            "shares-addresses-with",
            "instance names",
            n ->
                r.scalarText(n, "shares-addresses-with", "an instance name")
                    .filter(
                        other -> {
                          if (declared.instances().contains(other) && !other.equals(name)) {
                            return true;
                          }
                          problems.add(
                              n.position(),
                              "shares-addresses-with names "
                                  + (other.equals(name)
                                      ? "its own instance"
                                      : "unknown instance \"" + YamlNode.abbreviate(other) + "\"")
                                  + " (expected: another instance: "
                                  + MappingReader.oneOf(
                                      declared.instances().stream()
                                          .filter(i -> !i.equals(name))
                                          .toList())
                                  + ")");
                          return false;
                        }));
    sharesWith.put(name, Set.copyOf(shares));
    Optional<PriorityOrderConfig> order =
        r.node("priority-order").flatMap(n -> priorityOrder(r, n));
    Optional<Integer> resignBelow = r.integer("resign-below", "resign-below", 1, 255);
    if (resignBelow.isPresent()) {
      int highest =
          order
              .map(o -> o.ranks().stream().mapToInt(Integer::intValue).max().orElse(0))
              .orElse(priority.orElse(InstanceConfig.DEFAULT_PRIORITY));
      if (resignBelow.get() > highest) {
        problems.add(
            r.at("resign-below"),
            "resign-below "
                + resignBelow.get()
                + " is above the highest base priority "
                + highest
                + " (expected: at most "
                + highest
                + ", or the instance would resign while healthy)");
      }
    }
    ReceiveConfig receive = receive(r, version, family, advert, peerEntries);
    Optional<RotationConfig> rotation = r.node("rotation").flatMap(n -> rotation(r, owner));
    r.finish();
    if (problemCount() != before
        || iface.isEmpty()
        || vrid.isEmpty()
        || (addresses.isEmpty() && (actions.isEmpty() || actions.advertised().isEmpty()))) {
      return Optional.empty();
    }
    return Optional.of(
        new InstanceConfig(
            name,
            iface.get(),
            vrid.get(),
            version,
            priority.orElse(InstanceConfig.DEFAULT_PRIORITY),
            advert,
            preempt,
            preemptDelay,
            fastPreempt,
            addresses,
            source,
            peers,
            auth,
            hmac,
            checksum,
            garp,
            virtualMac,
            track,
            order,
            resignBelow.map(OptionalInt::of).orElse(OptionalInt.empty()),
            receive,
            actions,
            rotation,
            Optional.empty()));
  }

  /**
   * {@code key} (VRRP's priority, CARP's advskew), {@code min..max}: a base priority comes from it
   * or from the rank in the {@code priority-order} file (which sets {@code whatTheRankSets}), not
   * both.
   */
  private Optional<Integer> basePrioritySetting(
      MappingReader r, String key, int min, int max, String whatTheRankSets) {
    boolean hasOrder = r.has("priority-order");
    Optional<Integer> value = r.integer(key, key, min, max);
    if (value.isPresent() && hasOrder) {
      problems.add(
          r.keyAt(key),
          key
              + " and priority-order both set in "
              + r.where()
              + " (expected: one of them; the rank in the priority-order file sets "
              + whatTheRankSets
              + ")");
    }
    return value;
  }

  /** VRRP keys a CARP instance does not take, each with what to write instead. */
  private static final Map<String, String> NOT_CARP =
      java.util.Map.ofEntries(
          Map.entry("vrid", "vhid"),
          Map.entry("version", "no version; CARP is version 2"),
          Map.entry("priority", "advskew, or priority-order"),
          Map.entry("advert-interval", "advbase"),
          Map.entry("auth", "password or password-file"),
          Map.entry("unicast-peers", "no unicast-peers; CARP advertises to 224.0.0.18"),
          Map.entry("source", "no source; adverts leave from the interface's address"),
          Map.entry("checksum", "no checksum"),
          Map.entry("preempt-delay", "no preempt-delay"),
          Map.entry(
              "fast-preempt", "no fast-preempt; a CARP backup with preempt takes over at once"),
          Map.entry("resign-below", "no resign-below"),
          Map.entry("virtual-mac", "no virtual-mac"),
          Map.entry("garp", "no garp; CARP announces as ucarp does"),
          Map.entry("on-link-only", "no on-link-only"),
          Map.entry("max-learned-interval", "no max-learned-interval"),
          Map.entry("accept-from", "no accept-from"),
          Map.entry("shares-addresses-with", "no shares-addresses-with"));

  /**
   * An instance with {@code protocol: carp} (docs/carp.md): interface, vhid, advbase, advskew,
   * password or password-file, preempt (default false, as in ucarp and carp(4)), addresses (IPv4,
   * or IPv6 as carp(4) speaks it), track and priority-order. It becomes an {@link InstanceConfig}
   * whose {@code vrid} is the vhid, whose priority is the one its advskew stands for, and which
   * carries {@link CarpSettings}.
   */
  private Optional<InstanceConfig> carpInstance(
      String name, MappingReader r, Map<String, CheckSpec> checks, int before) {
    Optional<String> iface =
        r.requiredString("interface", "an interface name")
            .filter(n -> interfaceName(r, "interface", n));
    Optional<Integer> vhid = r.requiredInteger("vhid", "vhid", 1, 255);
    Duration advbase =
        r.duration("advbase", Duration.ofSeconds(1), Duration.ofSeconds(255))
            .orElse(Duration.ofSeconds(1));
    if (advbase.toMillis() % 1000 != 0) {
      problems.add(
          r.at("advbase"),
          "advbase "
              + DurationSyntax.format(advbase)
              + " is not whole seconds (expected: 1s..255s in whole seconds)");
    }
    Optional<Integer> advskew =
        basePrioritySetting(r, "advskew", 0, 254, "the priority the skew follows");
    Optional<String> password = r.string("password", "the passphrase, at most 20 bytes");
    password.ifPresent(
        p -> {
          int bytes = p.getBytes(StandardCharsets.UTF_8).length;
          if (bytes > org.vrrpagent.core.carp.CarpDigest.KEY_BYTES) {
            problems.add(
                r.at("password"),
                "password is "
                    + bytes
                    + " bytes long (expected: at most 20; ucarp takes at most 19)");
          }
        });
    Optional<Path> passwordFile =
        r.string("password-file", "an absolute path")
            .flatMap(p -> secretFile(r, "password-file", p));
    if (r.has("password") && r.has("password-file")) {
      problems.add(
          r.keyAt("password-file"),
          "password and password-file both set in " + r.where() + " (expected: one of them)");
    }
    // The file is read here, at every load (validate, start, reload): the configuration carries
    // the passphrase in force, so a reload after the file changed rebuilds the instance with the
    // new one; a file that cannot be read refuses the load (a reload keeps the running one).
    Optional<String> fromFile = Optional.empty();
    if (passwordFile.isPresent() && java.nio.file.Files.isReadable(passwordFile.get())) {
      try {
        fromFile = CarpSettings.load(1, 0, Optional.empty(), passwordFile).fromFile();
      } catch (IllegalArgumentException e) {
        problems.add(r.at("password-file"), e.getMessage());
      }
    }
    boolean preempt = r.bool("preempt").orElse(false);
    // IPv4 (ucarp and carp(4)) or IPv6 (carp(4) only: adverts to ff02::12 from the link-local
    // address), one family per instance as for VRRP.
    List<VirtualAddress> addresses = addresses(r, VrrpVersion.V3);
    List<TrackConfig> track = tracks(r, checks, false);
    Optional<PriorityOrderConfig> order =
        r.node("priority-order").flatMap(n -> priorityOrder(r, n));
    sharesWith.put(name, Set.of());
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(NOT_CARP).entrySet()) {
      if (r.has(e.getKey())) {
        problems.add(
            r.keyAt(e.getKey()),
            e.getKey()
                + " is a VRRP setting, not one of a CARP instance (expected: "
                + e.getValue()
                + ")");
      }
    }
    r.finish();
    if (problemCount() != before || iface.isEmpty() || vhid.isEmpty() || addresses.isEmpty()) {
      return Optional.empty();
    }
    int skew = advskew.orElse(0);
    Duration again = advbase.multipliedBy(2);
    return Optional.of(
        new InstanceConfig(
            name,
            iface.get(),
            vhid.get(),
            // not VRRP's version: the word VRRP code reads for the family (v3 for IPv6)
            addresses.getFirst().family() == AddressFamily.IPV4 ? VrrpVersion.V2 : VrrpVersion.V3,
            org.vrrpagent.core.carp.CarpConfig.basePriorityFor(skew),
            advbase,
            preempt,
            Duration.ZERO,
            false,
            addresses,
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            ChecksumMode.MESSAGE_ONLY,
            // ucarp: one gratuitous ARP on takeover and one more two adverts later.
            new GarpConfig(again, 1, Duration.ZERO),
            false,
            track,
            order,
            OptionalInt.empty(),
            ReceiveConfig.DEFAULT,
            ActionsConfig.NONE,
            Optional.empty(),
            Optional.of(
                new CarpSettings(
                    (int) advbase.toSeconds(), skew, password, passwordFile, fromFile))));
  }

  /** {@code on-link-only}, {@code max-learned-interval}, {@code accept-from}: receive hardening. */
  private ReceiveConfig receive(
      MappingReader r,
      VrrpVersion version,
      AddressFamily family,
      Duration advert,
      List<UnicastPeer> peers) {
    boolean onLinkOnly = r.bool("on-link-only").orElse(true);
    Optional<Duration> cap =
        r.duration("max-learned-interval", Duration.ofMillis(10), MAX_ADVERT_V3);
    if (cap.isPresent()) {
      if (version == VrrpVersion.V2) {
        problems.add(
            r.at("max-learned-interval"),
            "max-learned-interval is set in a version 2 instance (expected: no"
                + " max-learned-interval; VRRPv2 backups never learn the interval, it must match)");
      } else if (cap.get().toMillis() % 10 != 0) {
        problems.add(
            r.at("max-learned-interval"),
            "max-learned-interval "
                + DurationSyntax.format(cap.get())
                + " is not a multiple of 10ms (expected: 10ms..40950ms in 10 ms steps)");
      } else if (cap.get().compareTo(advert) < 0) {
        problems.add(
            r.at("max-learned-interval"),
            "max-learned-interval "
                + DurationSyntax.format(cap.get())
                + " is below advert-interval "
                + DurationSyntax.format(advert)
                + " (expected: at least the advert interval, or peers like us would be refused)");
      }
    }
    List<InetAddress> acceptFrom =
        r.listOf(
            "accept-from", "IP addresses", n -> address(n, "accept-from address", family, version));
    if (!acceptFrom.isEmpty() && !peers.isEmpty()) {
      problems.add(
          r.at("accept-from"),
          "accept-from is set with unicast-peers (expected: one of them; in unicast mode"
              + " only the unicast peers are accepted already)");
    }
    tooMany(r, "accept-from", acceptFrom.size(), "addresses", ReceivePolicy.MAX_ACCEPT_FROM);
    Map<InetAddress, TtlWindow> peerTtl = new HashMap<>();
    for (UnicastPeer p : peers) {
      if (!p.ttl().isRfc()) {
        peerTtl.put(p.address(), p.ttl());
      }
    }
    return new ReceiveConfig(onLinkOnly, cap, acceptFrom, peerTtl);
  }

  private static final java.util.regex.Pattern ROTATION_AT =
      java.util.regex.Pattern.compile(
          "(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun) +)?([01]?[0-9]|2[0-3]):([0-5][0-9])");

  /** {@code rotation: { every: 7d, at: "Mon 04:00", hold: 10m }}. */
  private Optional<RotationConfig> rotation(MappingReader parent, boolean owner) {
    return MappingReader.of(
            parent.node("rotation").orElseThrow(), "rotation", parent.keyAt("rotation"), problems)
        .flatMap(
            r -> {
              int before = problemCount();
              if (owner) {
                problems.add(
                    parent.keyAt("rotation"),
                    "rotation on an address owner (priority 255) (expected: a priority below 255;"
                        + " an owner cannot hand over)");
              }
              if (!r.has("every")) {
                r.missing("every", "the period, e.g. 7d");
              }
              if (!r.has("hold")) {
                r.missing("hold", "how long the peer keeps mastership, e.g. 10m");
              }
              Optional<Duration> every =
                  r.duration("every", RotationConfig.MIN_EVERY, RotationConfig.MAX_EVERY);
              Optional<Duration> hold =
                  r.duration("hold", RotationConfig.MIN_HOLD, RotationConfig.MAX_EVERY);
              Optional<java.time.DayOfWeek> day = Optional.empty();
              Optional<java.time.LocalTime> at = Optional.empty();
              Optional<String> atText = r.string("at", "\"HH:MM\" or \"Mon HH:MM\"");
              if (atText.isPresent()) {
                java.util.regex.Matcher m = ROTATION_AT.matcher(atText.get().strip());
                if (!m.matches()) {
                  problems.add(
                      r.at("at"),
                      "at \""
                          + YamlNode.abbreviate(atText.get())
                          + "\" (expected: \"HH:MM\" or \"Mon HH:MM\", a weekday Mon..Sun and a"
                          + " 24-hour local time)");
                } else {
                  if (m.group(1) != null) {
                    day =
                        Optional.of(
                            java.time.DayOfWeek.from(
                                java.time.format.DateTimeFormatter.ofPattern(
                                        "EEE", java.util.Locale.ENGLISH)
                                    .parse(m.group(1))));
                  }
                  at =
                      Optional.of(
                          java.time.LocalTime.of(
                              Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
                }
              }
              r.finish();
              if (problemCount() != before || every.isEmpty() || hold.isEmpty()) {
                return Optional.empty();
              }
              long seconds = every.get().toSeconds();
              if (day.isPresent() && seconds % (7 * 86_400) != 0) {
                problems.add(
                    r.at("at"),
                    "at names a weekday but every is "
                        + DurationSyntax.format(every.get())
                        + " (expected: every a multiple of 7d, or at without a weekday)");
                return Optional.empty();
              }
              if (at.isPresent() && seconds % 86_400 != 0) {
                problems.add(
                    r.at("at"),
                    "at is a time of day but every is "
                        + DurationSyntax.format(every.get())
                        + " (expected: every in whole days, or no at)");
                return Optional.empty();
              }
              if (hold.get().compareTo(every.get()) >= 0) {
                problems.add(
                    r.at("hold"),
                    "hold "
                        + DurationSyntax.format(hold.get())
                        + " is not shorter than every "
                        + DurationSyntax.format(every.get())
                        + " (expected: a hold shorter than the period)");
                return Optional.empty();
              }
              return Optional.of(new RotationConfig(every.get(), day, at, hold.get()));
            });
  }

  /** One entry of {@code unicast-peers}, with the TTL window its adverts must arrive in. */
  private record UnicastPeer(InetAddress address, TtlWindow ttl, Position position) {}

  /** {@code 198.18.0.11} or {@code { address: 203.0.113.20, min-ttl: 240, max-ttl: 255 }}. */
  private Optional<UnicastPeer> unicastPeer(
      MappingReader parent, YamlNode n, AddressFamily family, VrrpVersion version) {
    if (!(n instanceof Mapping)) {
      return address(n, "unicast peer", family, version)
          .map(a -> new UnicastPeer(a, TtlWindow.RFC, n.position()));
    }
    Optional<MappingReader> maybe = MappingReader.of(n, "unicast peer", n.position(), problems);
    if (maybe.isEmpty()) {
      return Optional.empty();
    }
    MappingReader r = maybe.get();
    int before = problemCount();
    Optional<InetAddress> address =
        r.has("address")
            ? r.node("address").flatMap(a -> address(a, "unicast peer", family, version))
            : Optional.empty();
    if (!r.has("address")) {
      r.missing("address", "the peer's IP address");
    }
    int min = r.integer("min-ttl", "min-ttl", 0, 255).orElse(255);
    int max = r.integer("max-ttl", "max-ttl", 0, 255).orElse(255);
    r.finish();
    if (problemCount() != before) {
      return Optional.empty();
    }
    if (max < min) {
      problems.add(
          r.at("max-ttl"),
          "max-ttl " + max + " is below min-ttl " + min + " (expected: min-ttl <= max-ttl <= 255)");
      return Optional.empty();
    }
    return address.map(a -> new UnicastPeer(a, new TtlWindow(min, max), n.position()));
  }

  /**
   * A peer whose adverts must arrive with TTL 255 must be on the link: across a router its adverts
   * arrive with less, every one is dropped, and both ends become master. On-link means: in the
   * subnet of one of the instance's virtual addresses (the master puts them on the interface), or
   * of one of the interface's addresses on this host when the rules look at the host. An interface
   * missing on this host is refused (the daemon could not open it either); without host rules
   * ({@code validate --syntax-only}) only the configuration is looked at.
   */
  private void peersOnLink(
      String interfaceName, List<UnicastPeer> peers, List<VirtualAddress> addresses) {
    FileRules.LinkFacts link = null;
    for (UnicastPeer p : peers) {
      if (p.ttl().minTtl() < 255
          || p.address().isLinkLocalAddress()
          || addresses.stream()
              .anyMatch(
                  v ->
                      new org.vrrpagent.core.io.InterfaceAddress(v.address(), v.prefixLength())
                          .subnetContains(p.address()))) {
        continue;
      }
      if (link == null) {
        link = rules.link(interfaceName);
      }
      String why =
          " (expected: a peer on the link, or min-ttl below 255 for a peer across routers:"
              + " its adverts arrive with TTL < 255, are dropped, and both ends become master)";
      switch (link) {
        case FileRules.LinkFacts.NotChecked x -> {}
        case FileRules.LinkFacts.Missing x ->
            problems.add(
                p.position(),
                "unicast peer "
                    + AddressSyntax.format(p.address())
                    + ": interface "
                    + interfaceName
                    + " does not exist on this host, so the peer cannot be shown to be on its"
                    + " link"
                    + why);
        case FileRules.LinkFacts.Present present -> {
          if (present.addresses().stream().noneMatch(a -> a.subnetContains(p.address()))) {
            problems.add(
                p.position(),
                "unicast peer "
                    + AddressSyntax.format(p.address())
                    + " is not on a subnet of "
                    + interfaceName
                    + " "
                    + present.addresses().stream()
                        .filter(a -> !a.address().isLinkLocalAddress())
                        .map(Object::toString)
                        .toList()
                    + why);
          }
        }
      }
    }
  }

  private void checkAdvertInterval(MappingReader r, VrrpVersion version, Duration advert) {
    Position at = r.at("advert-interval");
    String text = DurationSyntax.format(advert);
    if (version == VrrpVersion.V3) {
      if (advert.compareTo(MIN_ADVERT_V3) < 0 || advert.compareTo(MAX_ADVERT_V3) > 0) {
        problems.add(
            at,
            "advert-interval " + text + " out of range (expected: 10ms..40950ms for version 3)");
      } else if (advert.toMillis() % 10 != 0) {
        problems.add(
            at,
            "advert-interval "
                + text
                + " is not a multiple of 10ms (expected: 10ms..40950ms in 10 ms steps for version 3)");
      }
    } else {
      if (advert.toMillis() % 1000 != 0) {
        problems.add(
            at,
            "advert-interval "
                + text
                + " is not whole seconds (expected: 1s..255s in whole seconds for version 2)");
      } else if (advert.toSeconds() < 1 || advert.toSeconds() > 255) {
        problems.add(
            at, "advert-interval " + text + " out of range (expected: 1s..255s for version 2)");
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
      if (!r.has("actions")) {
        problems.add(
            r.at("addresses"),
            "addresses is empty (expected: at least one virtual address; an instance with"
                + " actions: may have none)");
      }
      return List.of();
    }
    if (tooMany(r, "addresses", items.get().size(), "addresses", InstanceConfig.MAX_ADDRESSES)) {
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
        problems.add(
            n.position(),
            "address "
                + a
                + " is IPv6 in a version 2 instance (expected: IPv4 only; VRRPv2 has no IPv6)");
        bad = true;
      } else if (!out.isEmpty() && a.family() != out.getFirst().family()) {
        problems.add(
            n.position(),
            "address "
                + a
                + " is "
                + name(a.family())
                + " but "
                + out.getFirst()
                + " is "
                + name(out.getFirst().family())
                + " (expected: one address family per instance; make a second instance)");
        bad = true;
      } else if (!seen.add(a.address())) {
        problems.add(
            n.position(),
            "address "
                + AddressSyntax.format(a.address())
                + " listed twice (expected: each address once)");
        bad = true;
      } else {
        out.add(a);
      }
    }
    return bad ? List.of() : out;
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
      problems.add(
          n.position(),
          "address \""
              + YamlNode.abbreviate(t)
              + "\" is not an IP address (expected: "
              + expected
              + ")");
      return Optional.empty();
    }
    int max = ip.get() instanceof Inet4Address ? 32 : 128;
    int prefix = max;
    if (slash >= 0) {
      String p = t.substring(slash + 1);
      if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > max) {
        problems.add(
            n.position(),
            "address "
                + YamlNode.abbreviate(t)
                + ": prefix length \""
                + YamlNode.abbreviate(p)
                + "\" (expected: 0.."
                + max
                + ")");
        return Optional.empty();
      }
      prefix = Integer.parseInt(p);
    }
    if (!unicast(ip.get())) {
      problems.add(
          n.position(),
          "address "
              + AddressSyntax.format(ip.get())
              + " is not a unicast address (expected: a unicast address)");
      return Optional.empty();
    }
    return Optional.of(new VirtualAddress(ip.get(), prefix));
  }

  private static boolean unicast(InetAddress a) {
    return !a.isMulticastAddress()
        && !a.isAnyLocalAddress()
        && !a.isLoopbackAddress()
        && !(a instanceof Inet4Address && a.getAddress()[0] == (byte) 255);
  }

  /** An IP literal of the instance's family (when known). */
  private Optional<InetAddress> address(
      YamlNode n, String label, AddressFamily family, VrrpVersion version) {
    if (!(n instanceof Scalar s) || s.kind() == ScalarKind.NULL) {
      problems.add(
          n.position(), label + " is " + YamlNode.describe(n) + " (expected: an IP address)");
      return Optional.empty();
    }
    Optional<InetAddress> ip = AddressSyntax.literal(s.text());
    if (ip.isEmpty()) {
      problems.add(
          n.position(),
          label
              + " \""
              + YamlNode.abbreviate(s.text())
              + "\" is not an IP address (expected: an IP address, not a name or prefix)");
      return Optional.empty();
    }
    if (!unicast(ip.get())) {
      problems.add(
          n.position(),
          label
              + " "
              + AddressSyntax.format(ip.get())
              + " is not a unicast address (expected: a unicast address)");
      return Optional.empty();
    }
    if (family != null && !family.matches(ip.get())) {
      problems.add(
          n.position(),
          label
              + " "
              + AddressSyntax.format(ip.get())
              + " is "
              + name(AddressFamily.of(ip.get()))
              + " (expected: "
              + name(family)
              + " like the instance's addresses)");
      return Optional.empty();
    }
    return ip;
  }

  /** What {@code auth:} holds: VRRPv2 PASS, or vrrp-agent's own hmac-sha256, or neither. */
  private record Auth(Optional<AuthConfig> pass, Optional<HmacAuthConfig> hmac) {
    static final Auth NONE = new Auth(Optional.empty(), Optional.empty());
  }

  private static final Map<String, String> AUTH_TYPES =
      options("pass", "pass", "hmac-sha256", "hmac-sha256");

  /**
   * {@code auth:}: {@code { type: pass, password: … }} (VRRPv2, keepalived's PASS) or {@code {
   * type: hmac-sha256, secret-file: PATH, replay-window: 30s }} (vrrp-agent only, between unicast
   * peers, VRRPv3).
   */
  private Auth auth(MappingReader parent, YamlNode n, VrrpVersion version, boolean unicast) {
    Optional<MappingReader> maybe = MappingReader.of(n, "auth", parent.keyAt("auth"), problems);
    if (maybe.isEmpty()) {
      return Auth.NONE;
    }
    MappingReader r = maybe.get();
    if (!r.has("type")) {
      r.missing("type", "pass (VRRPv2) or hmac-sha256 (vrrp-agent peers only)");
      r.node("password");
      r.node("secret-file");
      r.node("replay-window");
      r.finish();
      return Auth.NONE;
    }
    Optional<String> type = r.node("type").flatMap(t -> r.choiceValue(t, "auth type", AUTH_TYPES));
    if (type.isEmpty()) {
      r.node("password");
      r.node("secret-file");
      r.node("replay-window");
      r.finish();
      return Auth.NONE;
    }
    return type.get().equals("pass")
        ? new Auth(pass(parent, r, version), Optional.empty())
        : new Auth(Optional.empty(), hmac(parent, r, version, unicast));
  }

  private Optional<AuthConfig> pass(MappingReader parent, MappingReader r, VrrpVersion version) {
    int before = problemCount();
    if (version == VrrpVersion.V3) {
      problems.add(
          parent.keyAt("auth"),
          "auth type pass is set in a version 3 instance (expected: no auth, or type hmac-sha256"
              + " between vrrp-agent peers; RFC 5798 removed authentication, use version: 2 for"
              + " keepalived PASS)");
    }
    for (String key : List.of("secret-file", "replay-window")) {
      if (r.has(key)) {
        problems.add(r.keyAt(key), key + " is set with auth type pass (expected: password alone)");
        r.node(key);
      }
    }
    Optional<String> password = r.requiredString("password", "1..8 characters");
    password =
        password.filter(
            p -> {
              int bytes = p.getBytes(StandardCharsets.UTF_8).length;
              if (bytes > AuthConfig.MAX_PASSWORD_BYTES) {
                problems.add(
                    r.at("password"),
                    "auth password is "
                        + bytes
                        + " bytes long (expected: at most 8; keepalived truncates longer ones)");
                return false;
              }
              return true;
            });
    r.finish();
    return problemCount() == before && password.isPresent()
        ? Optional.of(new AuthConfig(AuthType.SIMPLE_TEXT, password.get()))
        : Optional.empty();
  }

  private Optional<HmacAuthConfig> hmac(
      MappingReader parent, MappingReader r, VrrpVersion version, boolean unicast) {
    int before = problemCount();
    if (version == VrrpVersion.V2) {
      problems.add(
          r.at("type"),
          "auth type hmac-sha256 in a version 2 instance (expected: version 3; version 2 is for"
              + " keepalived's PASS, and keepalived drops hmac-sha256 adverts: they are vrrp-agent's"
              + " own)");
    }
    if (!unicast) {
      problems.add(
          parent.keyAt("auth"),
          "auth type hmac-sha256 without unicast-peers (expected: unicast-peers naming the other"
              + " vrrp-agent nodes; the replay protection keeps the last sequence of each peer)");
    }
    if (r.has("password")) {
      problems.add(
          r.keyAt("password"),
          "password is set with auth type hmac-sha256 (expected: secret-file, the file holding"
              + " the shared secret in base64)");
      r.node("password");
    }
    Optional<Path> file =
        r.requiredString(
                "secret-file",
                "the file holding the shared secret in base64, e.g. from openssl rand -base64 32")
            .flatMap(p -> secretFile(r, "secret-file", p));
    Optional<String> secret = Optional.empty();
    if (file.isPresent() && Files.isReadable(file.get())) {
      try {
        secret = Optional.of(HmacAuthConfig.read(file.get()));
      } catch (IllegalArgumentException e) {
        problems.add(r.at("secret-file"), e.getMessage());
      }
    }
    Duration window =
        r.duration("replay-window", Duration.ofSeconds(1), Duration.ofHours(1))
            .orElse(HmacAuthConfig.DEFAULT_REPLAY_WINDOW);
    r.finish();
    return problemCount() == before && file.isPresent()
        ? Optional.of(new HmacAuthConfig(file.get(), secret, window))
        : Optional.empty();
  }

  private Optional<GarpConfig> garp(MappingReader parent) {
    return MappingReader.of(
            parent.node("garp").orElseThrow(), "garp", parent.keyAt("garp"), problems)
        .map(
            r -> {
              Duration delay =
                  r.duration("delay", Duration.ZERO, Duration.ofHours(1))
                      .orElse(GarpConfig.DEFAULT.delay());
              int repeat =
                  r.integer("repeat", "garp repeat", 1, GarpConfig.MAX_REPEAT)
                      .orElse(GarpConfig.DEFAULT.repeat());
              Duration refresh =
                  r.duration("refresh", Duration.ZERO, Duration.ofDays(1)).orElse(Duration.ZERO);
              r.finish();
              return new GarpConfig(delay, repeat, refresh);
            });
  }

  private List<TrackConfig> tracks(MappingReader r, Map<String, CheckSpec> checks, boolean owner) {
    List<TrackConfig> out =
        r.listOf("track", "{ check: NAME, weight: N }", n -> track(r, n, checks, owner));
    tooMany(r, "track", out.size(), "entries", InstanceConfig.MAX_TRACKS);
    return out;
  }

  private Optional<TrackConfig> track(
      MappingReader parent, YamlNode n, Map<String, CheckSpec> checks, boolean owner) {
    if (n instanceof Scalar s && s.kind() == ScalarKind.STRING) {
      return checkReference(s.text(), n.position(), checks).map(c -> new TrackConfig(c, 0, false));
    }
    return MappingReader.of(n, "track entry", n.position(), problems)
        .flatMap(
            r -> {
              Optional<String> check = r.requiredString("check", "the name of a check");
              int weight =
                  r.integer("weight", "weight", TrackConfig.MIN_WEIGHT, TrackConfig.MAX_WEIGHT)
                      .orElse(0);
              if (owner && weight != 0) {
                problems.add(
                    r.at("weight"),
                    "weight "
                        + weight
                        + " on an address owner (priority 255), whose priority never changes"
                        + " (expected: no weight, so the check being down puts the owner in FAULT, or a priority below 255)");
              }
              boolean reverse = r.bool("reverse").orElse(false);
              r.finish();
              return check
                  .flatMap(c -> checkReference(c, r.at("check"), checks))
                  .map(c -> new TrackConfig(c, weight, reverse));
            });
  }

  private Optional<String> checkReference(String name, Position at, Map<String, CheckSpec> checks) {
    if (checks.containsKey(name)) {
      return Optional.of(name);
    }
    if (declared.checks().contains(name)) {
      return Optional.empty(); // defined but invalid: its own problems are reported
    }
    problems.add(
        at,
        "track names undefined check \""
            + YamlNode.abbreviate(name)
            + "\" (expected: "
            + (declared.checks().isEmpty()
                ? "a check defined under checks:"
                : MappingReader.oneOf(declared.checks()))
            + ")");
    return Optional.empty();
  }

  private Optional<PriorityOrderConfig> priorityOrder(MappingReader parent, YamlNode n) {
    return MappingReader.of(n, "priority-order", parent.keyAt("priority-order"), problems)
        .flatMap(
            r -> {
              Optional<Path> file =
                  r.requiredString("file", "an absolute path")
                      .flatMap(p -> absolutePath(r, "file", p));
              file.flatMap(rules::priorityOrderFile)
                  .ifPresent(problem -> problems.add(r.at("file"), problem));
              List<Integer> ranks =
                  r.listOf("ranks", "priorities", i -> r.integerValue(i, "rank", 1, 254));
              if (!r.has("ranks")) {
                r.missing("ranks", "a list of priorities, e.g. [250, 200, 150, 100]");
              } else if (r.node("ranks").get() instanceof YamlNode.Sequence s
                  && s.items().isEmpty()) {
                problems.add(r.at("ranks"), "ranks is empty (expected: at least one priority)");
              } else {
                tooMany(r, "ranks", ranks.size(), "entries", PriorityOrderConfig.MAX_RANKS);
              }
              boolean reverse = r.bool("reverse").orElse(false);
              OptionalInt unlisted = OptionalInt.empty();
              Optional<YamlNode> u = r.node("unlisted");
              if (u.isPresent()) {
                if (u.get() instanceof Scalar s
                    && s.kind() == ScalarKind.STRING
                    && s.text().equals("fault")) {
                  unlisted = OptionalInt.empty();
                } else if (u.get() instanceof Scalar s && s.kind() == ScalarKind.INTEGER) {
                  unlisted =
                      r.integerValue(s, "unlisted priority", 1, 254)
                          .map(OptionalInt::of)
                          .orElse(OptionalInt.empty());
                } else {
                  problems.add(
                      u.get().position(),
                      "unlisted "
                          + YamlNode.describe(u.get())
                          + " (expected: fault or a priority 1..254)");
                }
              }
              r.finish();
              if (file.isEmpty() || ranks.isEmpty()) {
                return Optional.empty();
              }
              return Optional.of(new PriorityOrderConfig(file.get(), ranks, reverse, unlisted));
            });
  }

  /**
   * Rules across instances: a VRID once per interface and family; an address in one instance unless
   * shared.
   */
  void acrossInstances(MappingReader r, Map<String, InstanceConfig> instances) {
    duplicateVrids(r, instances);
    sharedAddresses(r, instances);
  }

  /**
   * Two instances holding one address fight over it (each adds and removes it as its state
   * changes), unless that is meant: both then name each other in {@code shares-addresses-with}
   * (e.g. a VRRPv2 and a VRRPv3 instance during a migration, only one of which runs).
   */
  private void sharedAddresses(MappingReader r, Map<String, InstanceConfig> instances) {
    Map<InetAddress, String> holder = new HashMap<>();
    for (InstanceConfig i : instances.values()) {
      for (VirtualAddress a : i.addresses()) {
        String first = holder.putIfAbsent(a.address(), i.name());
        if (first == null) {
          continue;
        }
        boolean meant =
            sharesWith.getOrDefault(i.name(), Set.of()).contains(first)
                && sharesWith.getOrDefault(first, Set.of()).contains(i.name());
        if (!meant) {
          problems.add(
              addressPosition(r, i.name(), a),
              "address "
                  + AddressSyntax.format(a.address())
                  + " is also in instance \""
                  + first
                  + "\" (expected: each address in one instance, or shares-addresses-with: ["
                  + first
                  + "] in instance \""
                  + i.name()
                  + "\" and ["
                  + i.name()
                  + "] in \""
                  + first
                  + "\" when both are meant to hold it)");
        }
      }
    }
  }

  private static Position addressPosition(MappingReader r, String instance, VirtualAddress a) {
    return r.node("instances")
        .filter(Mapping.class::isInstance)
        .map(m -> ((Mapping) m).entries().get(instance))
        .flatMap(
            e ->
                e.value() instanceof Mapping im
                        && im.entries().get("addresses") != null
                        && im.entries().get("addresses").value() instanceof YamlNode.Sequence seq
                    ? Optional.of(seq)
                    : Optional.empty())
        .flatMap(
            seq ->
                seq.items().stream()
                    .filter(
                        n ->
                            n instanceof Scalar sc
                                && AddressSyntax.literal(sc.text().split("/")[0])
                                    .filter(a.address()::equals)
                                    .isPresent())
                    .findFirst())
        .map(YamlNode::position)
        .orElse(new Position(1, 1));
  }

  private void duplicateVrids(MappingReader r, Map<String, InstanceConfig> instances) {
    Map<String, InstanceConfig> seen = new HashMap<>();
    for (InstanceConfig i : instances.values()) {
      String key = i.interfaceName() + "/" + i.family() + "/" + i.protocol() + "/" + i.vrid();
      InstanceConfig first = seen.putIfAbsent(key, i);
      if (first != null) {
        Position at =
            r.node("instances")
                .filter(Mapping.class::isInstance)
                .map(m -> ((Mapping) m).entries().get(i.name()))
                .flatMap(
                    e ->
                        e.value() instanceof Mapping im
                                && im.entries().containsKey(i.isCarp() ? "vhid" : "vrid")
                            ? Optional.of(
                                im.entries().get(i.isCarp() ? "vhid" : "vrid").value().position())
                            : Optional.empty())
                .orElse(new Position(1, 1));
        problems.add(
            at,
            (i.isCarp() ? "vhid " : "VRID ")
                + i.vrid()
                + " on "
                + i.interfaceName()
                + " ("
                + name(i.family())
                + ") is already used by instance \""
                + first.name()
                + "\" (expected: a unique "
                + (i.isCarp() ? "vhid" : "VRID")
                + " per interface and address family)");
      }
    }
  }

  // ---------------------------------------------------------------- sync groups

  Map<String, SyncGroupConfig> syncGroups(MappingReader r, Map<String, InstanceConfig> instances) {
    Map<String, String> memberOf = new HashMap<>();
    return namedMap(
        r,
        "sync-groups",
        "sync group",
        MAX_INSTANCES,
        (name, e) -> {
          String where = "sync group \"" + name + "\"";
          if (declared.instances().contains(name)) {
            problems.add(
                e.keyPosition(),
                where
                    + " has the name of an instance (expected: a name of its own; hooks and status name both)");
            return Optional.empty();
          }
          if (!(e.value() instanceof YamlNode.Sequence s)) {
            problems.add(
                e.value() instanceof Scalar sc && sc.kind() == ScalarKind.NULL
                    ? e.keyPosition()
                    : e.value().position(),
                where
                    + " is "
                    + YamlNode.describe(e.value())
                    + " (expected: a list of instance names)");
            return Optional.empty();
          }
          if (s.items().size() < 2) {
            problems.add(
                s.position(),
                where
                    + " has "
                    + s.items().size()
                    + " instance"
                    + (s.items().size() == 1 ? "" : "s")
                    + " (expected: at least 2)");
          }
          List<String> members = new ArrayList<>();
          boolean ok = true;
          for (YamlNode item : s.items()) {
            if (!(item instanceof Scalar sc) || sc.kind() == ScalarKind.NULL) {
              problems.add(
                  item.position(),
                  where
                      + ": member is "
                      + YamlNode.describe(item)
                      + " (expected: an instance name)");
              ok = false;
              continue;
            }
            String member = sc.text();
            if (!instances.containsKey(member) && declared.instances().contains(member)) {
              ok = false;
            } else if (!instances.containsKey(member)) {
              problems.add(
                  item.position(),
                  where
                      + " names unknown instance \""
                      + YamlNode.abbreviate(member)
                      + "\" (expected: "
                      + (declared.instances().isEmpty()
                          ? "an instance defined under instances:"
                          : MappingReader.oneOf(declared.instances()))
                      + ")");
              ok = false;
            } else if (instances.get(member).isCarp()) {
              problems.add(
                  item.position(),
                  where
                      + " names CARP instance \""
                      + member
                      + "\" (expected: VRRP instances; sync groups do not take CARP instances)");
              ok = false;
            } else if (memberOf.containsKey(member)) {
              problems.add(
                  item.position(),
                  "instance \""
                      + member
                      + "\" is already in sync group \""
                      + memberOf.get(member)
                      + "\" (expected: each instance in at most one sync group)");
              ok = false;
            } else {
              memberOf.put(member, name);
              members.add(member);
            }
          }
          return ok && s.items().size() >= 2
              ? Optional.of(new SyncGroupConfig(name, members))
              : Optional.empty();
        });
  }
}
