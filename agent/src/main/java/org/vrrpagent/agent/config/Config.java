package org.vrrpagent.agent.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.vrrpagent.checks.CheckSpec;

/**
 * A validated vrrp-agent configuration: what {@link ConfigLoader#load} returns. Every value in it
 * has passed the checks documented in {@code docs/configuration.md}; maps keep the order of the
 * YAML file.
 *
 * @param node the name of this host, looked up in priority-order files (default: short host name)
 * @param instances VRRP instances by name
 * @param syncGroups sync groups by name
 * @param checks health checks by name
 * @param control the control API and metrics listener
 * @param notifications the {@code notify:} block: hooks, email and event stream
 * @param limits the {@code limits:} block
 * @param enginePriority the {@code engine-priority:} block: how the kernel schedules the engine
 *     thread
 */
public record Config(
    String node,
    Map<String, InstanceConfig> instances,
    Map<String, SyncGroupConfig> syncGroups,
    Map<String, CheckSpec> checks,
    ControlConfig control,
    NotifyConfig notifications,
    LimitsConfig limits,
    EnginePriorityConfig enginePriority) {

  public Config {
    Objects.requireNonNull(node, "node");
    instances = ordered(instances);
    syncGroups = ordered(syncGroups);
    checks = ordered(checks);
    Objects.requireNonNull(control, "control");
    Objects.requireNonNull(notifications, "notifications");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(enginePriority, "enginePriority");
  }

  static <V> Map<String, V> ordered(Map<String, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
