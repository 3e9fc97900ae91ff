package org.vrrpagent.core.engine;

import java.net.InetAddress;
import java.util.List;
import org.vrrpagent.core.fsm.PeerConflict;
import org.vrrpagent.core.fsm.VrrpState;

/**
 * One router as the engine saw it at one moment (for status output).
 *
 * @param masterAddress the master's primary address as last seen (ours in MASTER); null before any
 * @param masterPriority the master's last advertised priority; -1 before any
 * @param faultReason non-null in FAULT
 * @param sinceNanos the engine clock's time of the last state change ({@link System#nanoTime()} on
 *     a host, virtual time in the simulation); 0 before any
 * @param resigned in a resign-below episode (see {@code VirtualRouter#resigned()})
 * @param conflicts peers in conflict with this router now (times on the engine's clock); empty when
 *     none
 * @param protocol {@code vrrp} or {@code carp}
 */
public record RouterStatus(
    String name,
    VrrpState state,
    int basePriority,
    int effectivePriority,
    InetAddress masterAddress,
    int masterPriority,
    int masterAdvertIntervalCentis,
    String faultReason,
    long sinceNanos,
    boolean resigned,
    List<PeerConflict> conflicts,
    String protocol) {

  public RouterStatus {
    conflicts = List.copyOf(conflicts);
    java.util.Objects.requireNonNull(protocol, "protocol");
  }

  /** A settled VRRP router: not in a resign-below episode, without conflicts. */
  public RouterStatus(
      String name,
      VrrpState state,
      int basePriority,
      int effectivePriority,
      InetAddress masterAddress,
      int masterPriority,
      int masterAdvertIntervalCentis,
      String faultReason,
      long sinceNanos) {
    this(
        name,
        state,
        basePriority,
        effectivePriority,
        masterAddress,
        masterPriority,
        masterAdvertIntervalCentis,
        faultReason,
        sinceNanos,
        false,
        List.of(),
        "vrrp");
  }
}
