package org.vrrpagent.agent.control;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code GET /status} shows, taken at one moment. The daemon builds it from the engine's
 * {@code RouterStatus}, the check scheduler and the priority-order files; the control server only
 * serialises it (JSON field names are the record components, kebab-case free).
 *
 * @param node the name this host looks itself up by in priority-order files
 * @param takenAt when the snapshot was taken
 * @param instances every configured VRRP instance, in configuration order
 * @param checks every configured check, in configuration order
 * @param priorityOrderFiles every priority-order file in use
 */
public record StatusSnapshot(
    String node,
    Instant takenAt,
    List<InstanceStatus> instances,
    List<CheckSnapshot> checks,
    List<PriorityFileStatus> priorityOrderFiles) {

  public StatusSnapshot {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(takenAt, "takenAt");
    instances = List.copyOf(instances);
    checks = List.copyOf(checks);
    priorityOrderFiles = List.copyOf(priorityOrderFiles);
  }

  /** The instance with this name, or null. */
  public InstanceStatus instance(String name) {
    for (InstanceStatus i : instances) {
      if (i.name().equals(name)) {
        return i;
      }
    }
    return null;
  }

  /**
   * One VRRP instance.
   *
   * @param name the instance name from the configuration
   * @param state INIT, BACKUP, MASTER or FAULT
   * @param faultReason why the instance is in FAULT; null otherwise
   * @param basePriority the configured priority, or the rank from the priority-order file
   * @param effectivePriority what we advertise: base, plus tracking, minus operator demotion
   * @param priorityReasons how the effective priority was reached, one line per contribution
   * @param demotion the operator's runtime demotion ({@link Demotion#describe}), null when none
   * @param masterAddress the master's address as last seen (ours when MASTER); null before any
   * @param masterPriority the master's last advertised priority; -1 before any
   * @param virtualAddresses the VIPs, as configured
   * @param since when the instance entered its state; null before the first change
   * @param heldAddresses those of {@code virtualAddresses} on the interface now, read from the
   *     address table (not inferred from the state); null when the table could not be read
   * @param conflicts peers in conflict with the instance now (the conflict alarm); empty when none
   * @param protocol {@code vrrp} or {@code carp}
   * @param advskew CARP: the skew advertised now (from the effective priority, docs/carp.md); -1
   *     for VRRP
   * @param demote CARP: the demote count advertised now (docs/carp.md, "Demote"); -1 for VRRP
   */
  public record InstanceStatus(
      String name,
      String state,
      String faultReason,
      int basePriority,
      int effectivePriority,
      List<PriorityReason> priorityReasons,
      String demotion,
      String masterAddress,
      int masterPriority,
      List<String> virtualAddresses,
      Instant since,
      List<String> heldAddresses,
      List<ConflictStatus> conflicts,
      String protocol,
      int advskew,
      int demote) {

    public InstanceStatus {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(state, "state");
      priorityReasons = List.copyOf(priorityReasons);
      virtualAddresses = List.copyOf(virtualAddresses);
      heldAddresses = heldAddresses == null ? null : List.copyOf(heldAddresses);
      conflicts = List.copyOf(conflicts);
    }

    /** A VRRP instance without the address table's view and without conflicts. */
    public InstanceStatus(
        String name,
        String state,
        String faultReason,
        int basePriority,
        int effectivePriority,
        List<PriorityReason> priorityReasons,
        String demotion,
        String masterAddress,
        int masterPriority,
        List<String> virtualAddresses,
        Instant since) {
      this(
          name,
          state,
          faultReason,
          basePriority,
          effectivePriority,
          priorityReasons,
          demotion,
          masterAddress,
          masterPriority,
          virtualAddresses,
          since,
          null,
          List.of(),
          "vrrp",
          -1,
          -1);
    }
  }

  /**
   * A peer in conflict with an instance: it claims the instance's VRID on its link, but its adverts
   * are dropped because a setting differs, so both may hold the addresses.
   *
   * @param peer its address
   * @param differs what differs, in a few words ({@code VRRP version})
   * @param reason the drop reason ({@code version_mismatch}, as in {@code vrrp_rx_dropped_total})
   * @param detail the last drop's detail ({@code VRRPv2 from 198.18.0.2 (expected: VRRPv3)})
   * @param since when the episode began
   * @param lastSeen the last advert dropped
   * @param adverts adverts dropped in the episode
   */
  public record ConflictStatus(
      String peer,
      String differs,
      String reason,
      String detail,
      Instant since,
      Instant lastSeen,
      long adverts) {
    public ConflictStatus {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(differs, "differs");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(since, "since");
      Objects.requireNonNull(lastSeen, "lastSeen");
    }
  }

  /**
   * One contribution to an effective priority.
   *
   * @param source {@code "configured"}, {@code "rank 2 in /etc/vrrp-agent/priority.dns"}, {@code
   *     "check dns (down)"}, {@code "operator demotion"}
   * @param delta what it adds (the base contributes the whole base priority)
   */
  public record PriorityReason(String source, int delta) {
    public PriorityReason {
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * One check.
   *
   * @param name the check name from the configuration
   * @param probe the probe in one line
   * @param up the check's state after rise/fall
   * @param lastResult {@code "up"}, {@code "down"}, or null before the first run
   * @param reason the last result's one-line reason; null before the first run
   * @param latencyMillis how long the last run took; -1 before the first run
   * @param runs runs so far by result ({@code up}, {@code down}, {@code timeout}, {@code skipped})
   * @param durationCount runs whose duration was measured
   * @param durationTotalNanos their summed duration
   */
  public record CheckSnapshot(
      String name,
      String probe,
      boolean up,
      String lastResult,
      String reason,
      double latencyMillis,
      java.util.Map<String, Long> runs,
      long durationCount,
      long durationTotalNanos) {

    public CheckSnapshot {
      Objects.requireNonNull(name, "name");
      runs = java.util.Map.copyOf(runs);
    }

    /** From the check scheduler's snapshot ({@code CheckScheduler.statuses()}). */
    public static CheckSnapshot of(org.vrrpagent.checks.CheckStatus status) {
      var counters = status.counters();
      java.util.Map<String, Long> runs = new java.util.LinkedHashMap<>();
      for (String result : org.vrrpagent.checks.CheckCounters.RESULTS) {
        runs.put(result, counters.runs(result));
      }
      var last = status.lastResult();
      return new CheckSnapshot(
          status.name(),
          status.probe(),
          status.up(),
          last.map(r -> r.isUp() ? "up" : "down").orElse(null),
          last.map(org.vrrpagent.checks.ProbeResult::reason).orElse(null),
          last.map(r -> r.latencyNanos() / 1e6).orElse(-1.0),
          runs,
          counters.durationCount(),
          counters.durationTotalNanos());
    }

    /** Every check of a scheduler ({@code () -> CheckSnapshot.all(scheduler.statuses())}). */
    public static List<CheckSnapshot> all(List<org.vrrpagent.checks.CheckStatus> statuses) {
      return statuses.stream().map(CheckSnapshot::of).toList();
    }
  }

  /**
   * One priority-order file.
   *
   * @param path the file
   * @param status {@code OK}; {@code MISSING} (every host is unlisted); {@code INVALID} (the last
   *     good order stays in force)
   * @param error the last read's problem, null when OK
   * @param hosts the order in force, first preferred
   * @param reloads reads so far
   * @param failures reads that found the file invalid or unreadable
   */
  public record PriorityFileStatus(
      String path, String status, String error, List<String> hosts, long reloads, long failures) {
    public PriorityFileStatus {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(status, "status");
      hosts = List.copyOf(hosts);
    }

    /** True when the last read found a valid file. */
    public boolean ok() {
      return status.equals("OK");
    }

    /** From the priority-order reloader's state. */
    public static PriorityFileStatus of(org.vrrpagent.agent.priority.PriorityOrderState state) {
      return new PriorityFileStatus(
          state.file().toString(),
          state.status().name(),
          state.error().orElse(null),
          state.order().map(org.vrrpagent.agent.priority.PriorityOrder::hosts).orElse(List.of()),
          state.reloads(),
          state.failures());
    }
  }
}
