package org.vrrpagent.agent.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vrrpagent.base.HostPort;
import org.vrrpagent.core.wire.AddressFamily;

/**
 * What a change of master does outside the host ({@code hosts:} and {@code actions:} of an
 * instance): the published addresses of both nodes, and the DNS actions that name the current
 * master and standby. See docs/geo-failover.md.
 *
 * @param hosts the published addresses per node name (as in {@code node:}), exactly two nodes
 * @param actions in the order written; run one after the other on each change
 */
public record ActionsConfig(Map<String, Host> hosts, List<Action> actions) {

  /** No hosts, no actions: an ordinary LAN instance. */
  public static final ActionsConfig NONE = new ActionsConfig(Map.of(), List.of());

  /** Limit on actions per instance. */
  public static final int MAX_ACTIONS = 16;

  /** Limit on records per {@code dns-update}. */
  public static final int MAX_RECORDS = 64;

  public ActionsConfig {
    hosts = Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
    actions = List.copyOf(actions);
  }

  public boolean isEmpty() {
    return actions.isEmpty();
  }

  /** The node that is not {@code node} (the configuration holds exactly two). */
  public String peerOf(String node) {
    return hosts.keySet().stream()
        .filter(n -> !n.equals(node))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no peer of " + node + " in " + hosts));
  }

  /**
   * The addresses adverts carry when the instance has no virtual addresses: every node's {@code
   * vrrp} address, sorted, so both nodes send the same list (VRRPv2 drops adverts whose list
   * differs). Nothing is added to an interface for them.
   */
  public List<InetAddress> advertised() {
    return hosts.values().stream()
        .map(Host::vrrp)
        .flatMap(Optional::stream)
        .sorted(Comparator.comparing(InetAddress::getHostAddress))
        .toList();
  }

  /**
   * A node's published addresses.
   *
   * @param a its IPv4 address for A records
   * @param aaaa its IPv6 address for AAAA records
   * @param vrrp the address its adverts come from (required when the instance has no addresses)
   */
  public record Host(
      Optional<InetAddress> a, Optional<InetAddress> aaaa, Optional<InetAddress> vrrp) {
    public Host {
      Objects.requireNonNull(a, "a");
      Objects.requireNonNull(aaaa, "aaaa");
      Objects.requireNonNull(vrrp, "vrrp");
    }

    public Optional<InetAddress> address(RecordType type) {
      return type == RecordType.A ? a : aaaa;
    }
  }

  /** Whose address a record holds. */
  public enum Role {
    MASTER,
    STANDBY;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The record types an action writes. */
  public enum RecordType {
    A(AddressFamily.IPV4),
    AAAA(AddressFamily.IPV6);

    private final AddressFamily family;

    RecordType(AddressFamily family) {
      this.family = family;
    }

    public AddressFamily family() {
      return family;
    }
  }

  /** The states of this node on entering which an action runs. */
  public enum On {
    MASTER,
    BACKUP,
    FAULT
  }

  /** One action of {@code actions:}. */
  public sealed interface Action permits DnsUpdate, ZoneFile {
    Set<On> on();

    /** {@code dns-update} or {@code zone-file}: for logs, events and metrics. */
    String kind();
  }

  /** A TSIG key: its name, algorithm and the file its secret is read from. */
  public record Tsig(String name, String algorithm, Path secretFile) {
    public Tsig {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(algorithm, "algorithm");
      Objects.requireNonNull(secretFile, "secretFile");
    }
  }

  /** A record the action keeps: owner name (relative to the zone, or absolute with a dot). */
  public record Record(String name, RecordType type, Role value) {
    public Record {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * {@code dns-update}: RFC 2136 UPDATE, TSIG-signed, to a shared primary server.
   *
   * @param server address or name, port 53 unless given
   * @param zone the zone the records live in
   * @param ttl the records' TTL
   * @param verify query the server afterwards
   * @param timeout per attempt (send and verify)
   * @param retryFor keep retrying (with backoff) while MASTER at most this long
   */
  public record DnsUpdate(
      HostPort server,
      String zone,
      Tsig tsig,
      List<Record> records,
      Duration ttl,
      boolean verify,
      Duration timeout,
      Duration retryFor,
      Set<On> on)
      implements Action {
    public static final Set<On> DEFAULT_ON = Set.of(On.MASTER);

    public DnsUpdate {
      Objects.requireNonNull(server, "server");
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(tsig, "tsig");
      records = List.copyOf(records);
      Objects.requireNonNull(ttl, "ttl");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(retryFor, "retryFor");
      on =
          Collections.unmodifiableSet(on.isEmpty() ? EnumSet.noneOf(On.class) : EnumSet.copyOf(on));
    }

    @Override
    public String kind() {
      return "dns-update";
    }
  }

  /** A query that checks an action's result: the answer must hold the role's address. */
  public record Verify(HostPort server, String name, RecordType type, Role value) {
    public Verify {
      Objects.requireNonNull(server, "server");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * {@code zone-file}: this node's own copy of the zone, rewritten where the marker is.
   *
   * @param reload the command that makes the server load the file (no shell)
   * @param reloadTimeout the reload command's time limit
   */
  public record ZoneFile(
      Path path,
      String marker,
      List<String> reload,
      Duration reloadTimeout,
      Optional<Verify> verify,
      Set<On> on)
      implements Action {
    public static final Set<On> DEFAULT_ON = Set.of(On.MASTER, On.BACKUP);

    public ZoneFile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(marker, "marker");
      reload = List.copyOf(reload);
      Objects.requireNonNull(reloadTimeout, "reloadTimeout");
      Objects.requireNonNull(verify, "verify");
      on =
          Collections.unmodifiableSet(on.isEmpty() ? EnumSet.noneOf(On.class) : EnumSet.copyOf(on));
    }

    @Override
    public String kind() {
      return "zone-file";
    }
  }
}
