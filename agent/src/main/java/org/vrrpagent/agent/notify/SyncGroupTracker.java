package org.vrrpagent.agent.notify;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vrrpagent.agent.config.NotifyConfig.State;

/**
 * Derives keepalived's GROUP lines from instance transitions (pure): a sync group is reported in a
 * state once every member has reached that state, and again only when all members agree on a
 * different state.
 */
final class SyncGroupTracker {
  private final Map<String, List<String>> members = new LinkedHashMap<>();
  private final Map<String, List<String>> groupsOf = new HashMap<>();
  private final Map<String, String> instanceState = new HashMap<>();
  private final Map<String, String> groupState = new HashMap<>();
  private final Map<String, List<String>> vips;

  /**
   * @param groups sync group name to member instances; @param vips instance to its addresses
   */
  SyncGroupTracker(Map<String, List<String>> groups, Map<String, List<String>> vips) {
    this.vips = vips;
    groups.forEach(
        (group, list) -> {
          members.put(group, List.copyOf(list));
          for (String instance : list) {
            groupsOf.computeIfAbsent(instance, k -> new ArrayList<>()).add(group);
          }
        });
  }

  /** The GROUP events that {@code event} (an instance's) completes. */
  List<StateEvent> on(StateEvent event) {
    instanceState.put(event.name(), event.to().name());
    List<StateEvent> out = new ArrayList<>();
    for (String group : groupsOf.getOrDefault(event.name(), List.of())) {
      Optional<String> agreed = agreed(group);
      if (agreed.isEmpty() || agreed.get().equals(groupState.get(group))) {
        continue;
      }
      String from = groupState.getOrDefault(group, "INIT");
      groupState.put(group, agreed.get());
      List<String> addresses = new ArrayList<>();
      for (String m : members.get(group)) {
        addresses.addAll(vips.getOrDefault(m, List.of()));
      }
      out.add(
          new StateEvent(
              StateEvent.Type.GROUP,
              group,
              from,
              State.valueOf(agreed.get()),
              0,
              "all members "
                  + agreed.get()
                  + " (last: "
                  + event.name()
                  + ": "
                  + event.reason()
                  + ")",
              addresses,
              members.get(group),
              event.time()));
    }
    return out;
  }

  private Optional<String> agreed(String group) {
    String common = null;
    for (String m : members.get(group)) {
      String s = instanceState.get(m);
      if (s == null || (common != null && !common.equals(s))) {
        return Optional.empty();
      }
      common = s;
    }
    return Optional.ofNullable(common);
  }

  static Instant now() {
    return Instant.now();
  }
}
