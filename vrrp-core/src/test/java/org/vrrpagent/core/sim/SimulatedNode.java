package org.vrrpagent.core.sim;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.Event;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.SyncGroup;
import org.vrrpagent.core.fsm.TimerName;
import org.vrrpagent.core.fsm.VirtualRouter;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.IpContext;
import org.vrrpagent.core.wire.MalformedAdvertisementException;
import org.vrrpagent.core.wire.ReceivedAdvertisement;

/**
 * One host on the {@link SimulatedLan}: its virtual routers (independent, or one sync group)
 * and a tiny runtime that executes their actions: timers on the LAN's virtual clock, adverts
 * through the codec onto the LAN, addresses into a set, state changes into the LAN's record.
 */
public final class SimulatedNode {
  private final SimulatedLan lan;
  private final String name;
  private final List<RouterConfig> configs;
  private final String syncGroupName;
  private final ChecksumMode checksumMode;

  private Map<String, VirtualRouter> routers = Map.of();
  private SyncGroup group;
  private boolean running;
  private final Map<String, Long> timerGenerations = new HashMap<>();
  private final Set<InetAddress> heldAddresses = new LinkedHashSet<>();
  private long announcements;

  SimulatedNode(SimulatedLan lan, String name, List<RouterConfig> configs, String syncGroupName) {
    this.lan = lan;
    this.name = name;
    this.configs = List.copyOf(configs);
    this.syncGroupName = syncGroupName;
    // Senders differ in the VRRPv3 IPv4 checksum form, as keepalived and RFC 9568 do; receivers accept both.
    this.checksumMode = lan.random().nextBoolean() ? ChecksumMode.PSEUDO_HEADER : ChecksumMode.MESSAGE_ONLY;
    build();
  }

  private void build() {
    Map<String, VirtualRouter> byName = new LinkedHashMap<>();
    if (syncGroupName != null) {
      group = new SyncGroup(syncGroupName, configs);
      group.members().forEach(r -> byName.put(r.config().name(), r));
    } else {
      group = null;
      configs.forEach(c -> byName.put(c.name(), new VirtualRouter(c)));
    }
    routers = byName;
  }

  public String name() {
    return name;
  }

  /** Up and started (not crashed, not shut down). */
  public boolean running() {
    return running;
  }

  public VirtualRouter router(String routerName) {
    VirtualRouter r = routers.get(routerName);
    if (r == null) {
      throw new IllegalArgumentException(name + " has no router " + routerName);
    }
    return r;
  }

  /** The only router of a node with one. */
  public VirtualRouter router() {
    if (routers.size() != 1) {
      throw new IllegalStateException(name + " has " + routers.size() + " routers");
    }
    return routers.values().iterator().next();
  }

  public List<VirtualRouter> routers() {
    return List.copyOf(routers.values());
  }

  /** The state of this node's router for {@code vrid}; INIT when it has none or is down. */
  public VrrpState stateOf(int vrid) {
    for (VirtualRouter r : routers.values()) {
      if (r.config().vrid() == vrid) {
        return r.state();
      }
    }
    return VrrpState.INIT;
  }

  /** The virtual addresses this node has put on its interface. */
  public Set<InetAddress> heldAddresses() {
    return Set.copyOf(heldAddresses);
  }

  public long announcements() {
    return announcements;
  }

  ChecksumMode checksumMode() {
    return checksumMode;
  }

  // ---------------------------------------------------------------- what tests do to a node

  /** Starts every router (Startup). */
  public void start() {
    running = true;
    for (String r : List.copyOf(routers.keySet())) {
      handle(r, new Event.Startup());
    }
  }

  /** Stops gracefully: every router gets Shutdown (a master sends priority 0). */
  public void shutdown() {
    for (String r : List.copyOf(routers.keySet())) {
      if (routers.get(r).state() != VrrpState.INIT) {
        handle(r, new Event.Shutdown());
      }
    }
    running = false;
    timerGenerations.clear();
  }

  /** The host dies: no priority 0, no more packets, timers gone, addresses gone with it. */
  public void crash() {
    running = false;
    timerGenerations.clear();
    heldAddresses.clear();
    build();
  }

  /** A crashed or stopped node boots with fresh routers. */
  public void restart() {
    if (running) {
      throw new IllegalStateException(name + " is running");
    }
    build();
    start();
  }

  public void priority(String routerName, int effectivePriority) {
    handle(routerName, new Event.PriorityChanged(effectivePriority));
  }

  public void fault(String routerName, String reason) {
    handle(routerName, new Event.FaultRaised(reason));
  }

  public void clearFault(String routerName) {
    handle(routerName, new Event.FaultCleared());
  }

  // ---------------------------------------------------------------- the runtime

  void receive(byte[] payload, IpContext ip) {
    if (!running) {
      return;
    }
    ReceivedAdvertisement advert;
    try {
      advert = AdvertisementCodec.decode(payload, ip);
    } catch (MalformedAdvertisementException e) {
      lan.drop(e.reason());
      return;
    }
    // Demultiplex by VRID and family as a socket per family would; the router checks the rest.
    for (VirtualRouter r : routers.values()) {
      if (r.config().vrid() == advert.advertisement().vrid() && r.config().family() == advert.advertisement().family()) {
        handle(r.config().name(), new Event.AdvertReceived(advert));
        return;
      }
    }
    lan.drop(org.vrrpagent.core.wire.DropReason.VRID);
  }

  private void handle(String routerName, Event event) {
    if (group != null) {
      group.handle(routerName, event, lan.now()).forEach(this::execute);
    } else {
      execute(routerName, router(routerName).handle(event, lan.now()));
    }
  }

  private void execute(String routerName, List<Action> actions) {
    RouterConfig config = router(routerName).config();
    for (Action action : new ArrayList<>(actions)) {
      switch (action) {
        case Action.SendAdvertisement s -> lan.multicast(this, config.primaryAddress(), s.advert());
        case Action.AddAddresses a -> heldAddresses.addAll(a.addresses());
        case Action.RemoveAddresses r -> r.addresses().forEach(heldAddresses::remove);
        case Action.AnnounceAddresses a -> announcements++;
        case Action.ArmTimer t -> {
          String key = routerName + "/" + t.timer();
          long generation = lan.nextTimerGeneration();
          timerGenerations.put(key, generation);
          lan.schedule(t.deadlineNanos(), () -> fire(routerName, t.timer(), key, generation));
        }
        case Action.CancelTimer c -> timerGenerations.remove(routerName + "/" + c.timer());
        case Action.StateChanged c -> lan.record(new Transition(lan.now(), name, routerName, c));
        case Action.Dropped d -> lan.drop(d.reason());
        case Action.PeerMisconfigured m -> lan.misconfigured(name + "/" + routerName + ": " + m.detail());
        case Action.ConflictRaised c -> { }
        case Action.ConflictCleared c -> { }
      }
    }
  }

  private void fire(String routerName, TimerName timer, String key, long generation) {
    Long current = timerGenerations.get(key);
    if (!running || current == null || current != generation) {
      return; // cancelled or re-armed since
    }
    timerGenerations.remove(key);
    handle(routerName, new Event.TimerFired(timer));
  }

  @Override
  public String toString() {
    return name + (running ? "" : " (down)") + " " + routers.values();
  }
}
