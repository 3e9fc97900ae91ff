package org.vrrpagent.core.fsm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * Virtual routers that change state together (keepalived's {@code vrrp_sync_group}), for services
 * that need all their addresses on one host: an outside and an inside address of a firewall, a DNS
 * front end's v4 and v6 addresses.
 *
 * <ul>
 *   <li>One member in FAULT pulls every member to FAULT; they leave FAULT when no member has a
 *       fault of its own any more.
 *   <li>A member becomes MASTER only when every member would be MASTER: a member whose master-down
 *       timer expires waits (in BACKUP, silent) until all are ready, then all take over together.
 *   <li>When one MASTER member falls back to BACKUP (it heard a better master), the other MASTER
 *       members follow it, sending priority 0 so their backups take over at once.
 * </ul>
 *
 * <p>The address owner (priority 255) starts as MASTER without waiting for the group.
 *
 * <p>Pure, like {@link VirtualRouter}: feed it any member's event and execute the actions it
 * returns per member. Not thread-safe: one caller at a time.
 */
public final class SyncGroup {
  /** Most members in one group. */
  public static final int MAX_MEMBERS = 64;

  private final String name;
  private final List<VirtualRouter> members;
  private final Map<String, VirtualRouter> byName = new LinkedHashMap<>();

  /** Members with a fault of their own (not one the group imposed), with its reason. */
  private final Map<String, String> ownFaults = new LinkedHashMap<>();

  public SyncGroup(String name, List<RouterConfig> members) {
    this.name = Objects.requireNonNull(name, "name");
    if (members.isEmpty() || members.size() > MAX_MEMBERS) {
      throw new IllegalArgumentException(
          "sync group '"
              + name
              + "' with "
              + members.size()
              + " members (expected: 1.."
              + MAX_MEMBERS
              + ")");
    }
    List<VirtualRouter> routers = new ArrayList<>();
    for (RouterConfig config : members) {
      VirtualRouter router = new VirtualRouter(config);
      router.gateMaster(true);
      if (byName.putIfAbsent(config.name(), router) != null) {
        throw new IllegalArgumentException(
            "sync group '"
                + name
                + "': member '"
                + config.name()
                + "' twice (expected: each once)");
      }
      routers.add(router);
    }
    this.members = List.copyOf(routers);
  }

  /**
   * Handles one event for one member at {@code nowNanos}.
   *
   * @param member the member's {@link RouterConfig#name()}
   * @return actions per member name, in member order; only members with actions appear
   * @throws IllegalArgumentException for an unknown member
   * @throws IllegalStateException for an impossible event, as {@link VirtualRouter#handle}
   */
  public SequencedMap<String, List<Action>> handle(String member, Event event, long nowNanos) {
    Map<String, List<Action>> out = new LinkedHashMap<>();
    for (VirtualRouter r : members) {
      out.put(r.config().name(), new ArrayList<>());
    }
    dispatch(member(member), event, nowNanos, out);
    return nonEmpty(out);
  }

  /** Feeds the same event to every member (Startup, Shutdown) and returns their actions. */
  public SequencedMap<String, List<Action>> handleAll(Event event, long nowNanos) {
    Map<String, List<Action>> out = new LinkedHashMap<>();
    for (VirtualRouter r : members) {
      out.put(r.config().name(), new ArrayList<>());
    }
    for (VirtualRouter r : members) {
      dispatch(r, event, nowNanos, out);
    }
    return nonEmpty(out);
  }

  public String name() {
    return name;
  }

  /** The members in configuration order (read-only views of their state). */
  public List<VirtualRouter> members() {
    return members;
  }

  public VirtualRouter member(String name) {
    VirtualRouter r = byName.get(name);
    if (r == null) {
      throw new IllegalArgumentException(
          "sync group '" + this.name + "' has no member '" + name + "'");
    }
    return r;
  }

  private void dispatch(VirtualRouter r, Event event, long now, Map<String, List<Action>> out) {
    String member = r.config().name();
    VrrpState before = r.state();
    switch (event) {
      case Event.FaultRaised f -> {
        boolean first = ownFaults.isEmpty();
        ownFaults.put(member, f.reason());
        out.get(member).addAll(r.handle(f, now));
        if (first) {
          // One member in FAULT pulls every member to FAULT.
          Event pulled =
              new Event.FaultRaised(
                  "sync group " + name + ": " + member + " in fault (" + f.reason() + ")");
          for (VirtualRouter other : members) {
            if (other != r) {
              out.get(other.config().name()).addAll(other.handle(pulled, now));
            }
          }
        }
      }
      case Event.FaultCleared c -> {
        if (ownFaults.remove(member) == null) {
          throw new IllegalStateException(
              "fault cleared for " + member + " in " + r.state() + " without its own fault");
        }
        if (ownFaults.isEmpty()) {
          // No member has a fault of its own any more: all leave FAULT together.
          for (VirtualRouter any : members) {
            if (any.faultReason() != null) {
              out.get(any.config().name()).addAll(any.handle(c, now));
            }
          }
        } else {
          Map.Entry<String, String> still = ownFaults.entrySet().iterator().next();
          out.get(member)
              .addAll(
                  r.handle(
                      new Event.FaultRaised(
                          "sync group "
                              + name
                              + ": "
                              + still.getKey()
                              + " in fault ("
                              + still.getValue()
                              + ")"),
                      now));
        }
      }
      default -> out.get(member).addAll(r.handle(event, now));
    }
    reconcile(r, before, now, out);
  }

  private void reconcile(
      VirtualRouter changed, VrrpState before, long now, Map<String, List<Action>> out) {
    if (before == VrrpState.MASTER && changed.state() == VrrpState.BACKUP) {
      // A member heard a better master: the group's addresses belong on that router now.
      String reason = "sync group " + name + ": " + changed.config().name() + " became backup";
      for (VirtualRouter other : members) {
        if (other != changed) {
          other.followToBackup(reason, now, out.get(other.config().name()));
        }
      }
    }
    boolean anyWaiting = false;
    for (VirtualRouter r : members) {
      if (r.awaitingMaster()) {
        anyWaiting = true;
      } else if (r.state() != VrrpState.MASTER) {
        return;
      }
    }
    if (anyWaiting) {
      // Every member would be master: take over together.
      String reason = "sync group " + name + ": all members ready";
      for (VirtualRouter r : members) {
        if (r.awaitingMaster()) {
          r.releaseToMaster(reason, now, out.get(r.config().name()));
        }
      }
    }
  }

  private static SequencedMap<String, List<Action>> nonEmpty(Map<String, List<Action>> out) {
    SequencedMap<String, List<Action>> result = new LinkedHashMap<>();
    out.forEach(
        (member, actions) -> {
          if (!actions.isEmpty()) {
            result.put(member, List.copyOf(actions));
          }
        });
    return result;
  }
}
