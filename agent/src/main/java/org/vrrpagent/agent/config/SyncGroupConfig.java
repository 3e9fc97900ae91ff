package org.vrrpagent.agent.config;

import java.util.List;
import java.util.Objects;

/** Instances that change state together (keepalived's {@code vrrp_sync_group}). */
public record SyncGroupConfig(String name, List<String> instances) {
  public SyncGroupConfig {
    Objects.requireNonNull(name, "name");
    instances = List.copyOf(instances);
  }
}
