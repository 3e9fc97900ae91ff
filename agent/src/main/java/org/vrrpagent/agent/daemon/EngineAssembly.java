package org.vrrpagent.agent.daemon;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.vrrpagent.agent.config.CarpSettings;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.agent.config.SyncGroupConfig;
import org.vrrpagent.agent.config.VirtualAddress;
import org.vrrpagent.core.carp.CarpConfig;
import org.vrrpagent.core.engine.AnnounceSchedule;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.engine.HmacAuth;
import org.vrrpagent.core.engine.RouterBinding;
import org.vrrpagent.core.fsm.ReceivePolicy;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.linux.VirtualMacLink;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AuthType;

/**
 * Turns a validated configuration into routers on an {@link Engine}: one transport for each
 * interface, family, source and peer list (instances that share them share a socket, and packets
 * are routed by VRID), one {@link RouterConfig} per instance.
 */
public final class EngineAssembly {
  /** What the transports are opened with; instances with equal keys share one. */
  public record TransportKey(
      String interfaceName,
      AddressFamily family,
      Optional<InetAddress> source,
      List<InetAddress> unicastPeers) {
    public TransportKey {
      unicastPeers = List.copyOf(unicastPeers);
    }

    public static TransportKey of(InstanceConfig i) {
      return new TransportKey(i.interfaceName(), i.family(), i.source(), i.unicastPeers());
    }
  }

  /** Opens a transport whose received packets go to {@code engine.receive(key, …)}. */
  @FunctionalInterface
  public interface TransportOpener {
    Transport open(TransportKey key, Engine engine);
  }

  private EngineAssembly() {}

  /** The distinct transports the configuration needs, in instance order. */
  public static Set<TransportKey> transportKeys(Config config) {
    Set<TransportKey> keys = new LinkedHashSet<>();
    for (InstanceConfig i : config.instances().values()) {
      keys.add(TransportKey.of(i));
    }
    return keys;
  }

  /**
   * Opens the transports and adds every instance to {@code engine} (sync-group members as their
   * group). On failure, closes what it opened and rethrows.
   *
   * @param basePriorities the base priority of each instance (priority-order ranks may replace the
   *     configured one); instances missing from the map use their configured priority
   * @return the opened transports, to close after the engine has shut down
   */
  public static Map<TransportKey, Transport> assemble(
      Config config, Engine engine, TransportOpener opener, Map<String, Integer> basePriorities) {
    Map<TransportKey, Transport> transports = new LinkedHashMap<>();
    try {
      openMissing(config, engine, opener, transports);
      addRouters(config, config.instances().keySet(), engine, transports, basePriorities);
      return transports;
    } catch (RuntimeException e) {
      transports.values().forEach(Transport::close);
      throw e;
    }
  }

  /** Opens the transports {@code config} needs that {@code transports} lacks, adding them to it. */
  public static void openMissing(
      Config config,
      Engine engine,
      TransportOpener opener,
      Map<TransportKey, Transport> transports) {
    for (TransportKey key : transportKeys(config)) {
      if (!transports.containsKey(key)) {
        transports.put(key, opener.open(key, engine));
      }
    }
  }

  /**
   * Adds the instances named in {@code names} to {@code engine} (a sync group when all its members
   * are named), on transports already open.
   */
  public static void addRouters(
      Config config,
      Set<String> names,
      Engine engine,
      Map<TransportKey, Transport> transports,
      Map<String, Integer> basePriorities) {
    Map<String, RouterBinding> bindings = new LinkedHashMap<>();
    for (InstanceConfig i : config.instances().values()) {
      if (names.contains(i.name())) {
        TransportKey key = TransportKey.of(i);
        int base = basePriorities.getOrDefault(i.name(), i.priority());
        bindings.put(i.name(), binding(i, base, key, transports.get(key)));
      }
    }
    Set<String> grouped = new LinkedHashSet<>();
    for (SyncGroupConfig g : config.syncGroups().values()) {
      if (!names.containsAll(g.instances())) {
        continue;
      }
      List<RouterBinding> members = new ArrayList<>();
      for (String name : g.instances()) {
        members.add(bindings.get(name));
        grouped.add(name);
      }
      engine.addSyncGroup(g.name(), members);
    }
    for (RouterBinding b : bindings.values()) {
      if (!grouped.contains(b.name())) {
        engine.add(b);
      }
    }
  }

  /**
   * Every router configuration start-up or a reload can build from {@code config}: each instance
   * with each base priority it can have (its priority, every rank of its priority-order file, its
   * unlisted priority), with {@code primary(i)} standing for the address its transport will find on
   * the interface. Nothing is opened. A configuration {@code validate} accepts builds without an
   * exception; the load-path tests hold it to that.
   */
  public static List<RouterConfig> routerConfigs(
      Config config, java.util.function.Function<InstanceConfig, InetAddress> primary) {
    List<RouterConfig> out = new ArrayList<>();
    for (InstanceConfig i : config.instances().values()) {
      Set<Integer> bases = new LinkedHashSet<>();
      bases.add(i.priority());
      i.priorityOrder()
          .ifPresent(
              p -> {
                bases.addAll(p.ranks());
                p.unlisted().ifPresent(bases::add);
              });
      for (int base : bases) {
        out.add(routerConfig(i, base, primary.apply(i)));
      }
    }
    return out;
  }

  static RouterConfig routerConfig(InstanceConfig i, int basePriority, InetAddress primary) {
    if (i.isCarp()) {
      return carpConfig(i, primary, 0).routerConfig(basePriority);
    }
    // Adverts carry the virtual addresses; an instance with actions and none carries the nodes'
    // vrrp addresses instead, which binding() never adds to an interface.
    List<InetAddress> vips = i.advertisedAddresses();
    AuthType authType = i.auth().map(a -> a.type()).orElse(AuthType.NONE);
    byte[] authData =
        switch (i.version()) {
          case V3 -> new byte[0];
          case V2 ->
              i.auth()
                  .map(a -> RouterConfig.password(a.password()))
                  .orElse(new byte[Advertisement.V2_AUTH_DATA_BYTES]);
        };
    return new RouterConfig(
        i.name(),
        i.version(),
        i.family(),
        i.vrid(),
        basePriority,
        i.advertIntervalCentis(),
        i.preempt(),
        i.preemptDelay().toNanos(),
        i.fastPreempt(),
        vips,
        primary,
        authType,
        authData,
        i.resignBelow().orElse(0),
        receivePolicy(i));
  }

  /**
   * The state machine's receive hardening from the instance's keys (docs/operations.md, "Receive
   * hardening").
   */
  static ReceivePolicy receivePolicy(InstanceConfig i) {
    int cap =
        i.receive().maxLearnedInterval().map(d -> Math.toIntExact(d.toMillis() / 10)).orElse(0);
    return i.unicast()
        ? ReceivePolicy.unicast(cap)
        : new ReceivePolicy(
            true, i.receive().onLinkOnly(), cap, java.util.Set.copyOf(i.receive().acceptFrom()));
  }

  /**
   * The CARP virtual host of a {@code protocol: carp} instance; reads the password file (at start
   * and at each reload).
   *
   * @param initialCounter the first advert's replay counter (carp(4) starts from a random one)
   */
  static CarpConfig carpConfig(InstanceConfig i, InetAddress primary, long initialCounter) {
    CarpSettings c = i.carp().orElseThrow();
    return new CarpConfig(
        i.name(),
        i.vrid(),
        c.advbaseSeconds(),
        c.advskew(),
        i.preempt(),
        c.passphrase(),
        i.addresses().stream().map(VirtualAddress::address).toList(),
        primary,
        initialCounter);
  }

  static RouterBinding binding(
      InstanceConfig i, int basePriority, TransportKey key, Transport transport) {
    if (i.isCarp()) {
      CarpConfig carp =
          carpConfig(
              i,
              transport.sourceAddress(),
              java.util.concurrent.ThreadLocalRandom.current().nextLong());
      return new RouterBinding(
          carp.routerConfig(basePriority),
          i.interfaceName(),
          key,
          transport,
          i.addresses().stream()
              .map(v -> new InterfaceAddress(v.address(), v.prefixLength()))
              .toList(),
          List.of(),
          // carp(4)'s groups, the ones VRRP uses too.
          i.family() == AddressFamily.IPV4
              ? InetAddress.ofLiteral("224.0.0.18")
              : InetAddress.ofLiteral("ff02::12"),
          i.checksum(),
          new AnnounceSchedule(i.garp().delay(), i.garp().repeat(), i.garp().refresh()),
          Optional.of(carp),
          java.util.Map.of(),
          Optional.empty());
    }
    RouterConfig config = routerConfig(i, basePriority, transport.sourceAddress());
    List<InterfaceAddress> withPrefix =
        i.addresses().stream()
            .map(v -> new InterfaceAddress(v.address(), v.prefixLength()))
            .toList();
    InetAddress group =
        i.family() == AddressFamily.IPV4
            ? InetAddress.ofLiteral("224.0.0.18")
            : InetAddress.ofLiteral("ff02::12");
    // With virtual-mac the addresses and announcements live on the macvlan (the daemon creates
    // it before the engine starts); adverts still travel on the real interface's transport.
    String addressInterface =
        i.virtualMac() ? VirtualMacLink.interfaceName(i.family(), i.vrid()) : i.interfaceName();
    return new RouterBinding(
        config,
        addressInterface,
        key,
        transport,
        withPrefix,
        i.unicastPeers(),
        group,
        i.checksum(),
        new AnnounceSchedule(i.garp().delay(), i.garp().repeat(), i.garp().refresh()),
        Optional.empty(),
        i.receive().peerTtl(),
        i.hmac()
            .map(
                h -> new HmacAuth(h.secretBytes(), h.replayWindow(), HmacAuth::systemEpochMicros)));
  }
}
