package org.vrrpagent.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.wire.DropReason;

/**
 * Named scenarios on a perfect simulated LAN (no loss, no delay), each asserting the exact virtual
 * times the RFC formulas give. With a 1 s interval:
 *
 * <pre>
 * priority 200: Skew_Time = 56/256 s  = 0.218750 s, Master_Down_Interval = 3.218750 s
 * priority 100: Skew_Time = 156/256 s = 0.609375 s, Master_Down_Interval = 3.609375 s
 * </pre>
 */
class ElectionScenarioTest {
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final InetAddress VIP = SimulatedLan.address("198.18.0.100");

  /** When the priority-200 router of two that start together becomes master. */
  private static final long A_MASTER_AT = 3_218_750_000L;

  private final SimulatedLan lan = new SimulatedLan(1);

  static RouterConfig v3(String node, int priority) {
    return RouterConfig.v3("vi_" + node, 51, priority, 100, List.of(VIP), primary(node));
  }

  static InetAddress primary(String node) {
    return SimulatedLan.address("198.18.0." + (node.charAt(0) - 'a' + 1));
  }

  private long masterAt(String node, long fromNanos) {
    return lan.becameMasterAtNanos(node, fromNanos);
  }

  private void startBoth(RouterConfig a, RouterConfig b) {
    lan.addHost("a", a).start();
    lan.addHost("b", b).start();
  }

  @Test
  @DisplayName("two routers elect the higher priority, after its Master_Down_Interval")
  void twoRoutersElectTheHigherPriority() {
    startBoth(v3("a", 200), v3("b", 100));
    lan.runUntil(10 * S);

    assertThat(lan.masters(51)).containsExactly("a");
    assertThat(masterAt("a", 0)).isEqualTo(A_MASTER_AT);
    assertThat(lan.transitionsTo(VrrpState.MASTER, 0)).hasSize(1);
    assertThat(lan.host("a").heldAddresses()).containsExactly(VIP);
    assertThat(lan.host("b").heldAddresses()).isEmpty();
    // keepalived's schedule: 5 gratuitous ARPs on becoming master, 5 more 5 s later.
    assertThat(lan.host("a").announcements())
        .extracting(SimulatedAnnouncer.Announcement::atNanos)
        .containsExactly(
            A_MASTER_AT,
            A_MASTER_AT,
            A_MASTER_AT,
            A_MASTER_AT,
            A_MASTER_AT,
            A_MASTER_AT + 5 * S,
            A_MASTER_AT + 5 * S,
            A_MASTER_AT + 5 * S,
            A_MASTER_AT + 5 * S,
            A_MASTER_AT + 5 * S);
    assertThat(lan.host("b").announcements()).isEmpty();
  }

  @Test
  @DisplayName("equal priorities elect the higher primary address")
  void equalPrioritiesElectTheHigherAddress() {
    startBoth(v3("a", 100), v3("b", 100));
    lan.runUntil(10 * S);

    // Both time out at 3.609375 s and become master; each hears the other's first advert:
    // a (198.18.0.1) yields to the greater address, b keeps the role.
    assertThat(lan.masters(51)).containsExactly("b");
    var aBackup =
        lan.transitions().stream()
            .filter(t -> t.host().equals("a") && t.to() == VrrpState.BACKUP && t.atNanos() > 0)
            .findFirst()
            .orElseThrow();
    assertThat(aBackup.atNanos()).isEqualTo(3_609_375_000L);
    assertThat(aBackup.change().reason())
        .isEqualTo("equal priority advert from greater address 198.18.0.2 (prio 100)");
  }

  @Test
  @DisplayName(
      "master crash: the backup is master exactly Master_Down_Interval after the last advert")
  void masterCrashBackupTakesOverAfterMasterDownInterval() {
    startBoth(v3("a", 200), v3("b", 100));
    lan.at(10 * S, () -> lan.host("a").crash());
    lan.runUntil(20 * S);

    // a's last advert left at 9.21875 s; b's Master_Down_Interval is 3.609375 s.
    assertThat(masterAt("b", 0)).isEqualTo(9_218_750_000L + 3_609_375_000L);
    assertThat(lan.masters(51)).containsExactly("b");
  }

  @Test
  @DisplayName("graceful shutdown: the backup takes over after its Skew_Time")
  void gracefulShutdownBackupTakesOverAfterSkewTime() {
    startBoth(v3("a", 200), v3("b", 100));
    lan.at(10 * S, () -> lan.host("a").shutdown());
    lan.runUntil(20 * S);

    assertThat(masterAt("b", 0)).isEqualTo(10 * S + 609_375_000L);
    assertThat(lan.host("a").heldAddresses()).isEmpty();
  }

  @Test
  @DisplayName("backup preempts a lower-priority master after its own Master_Down_Interval")
  void backupPreemptsALowerPriorityMaster() {
    lan.addHost("b", v3("b", 100)).start();
    lan.addHost("a", v3("a", 200));
    lan.at(5 * S, () -> lan.host("a").start());
    lan.runUntil(20 * S);

    // b's adverts are discarded by a (lower priority, preempt on): a's timer from 5 s runs out.
    assertThat(masterAt("b", 0)).isEqualTo(3_609_375_000L);
    assertThat(masterAt("a", 0)).isEqualTo(5 * S + A_MASTER_AT);
    assertThat(lan.masters(51)).containsExactly("a");
  }

  @Test
  @DisplayName("nopreempt keeps the old master")
  void nopreemptKeepsTheOldMaster() {
    lan.addHost("b", v3("b", 100)).start();
    lan.addHost("a", v3("a", 200).toBuilder().noPreempt().build());
    lan.at(5 * S, () -> lan.host("a").start());
    lan.runUntil(60 * S);

    assertThat(lan.masters(51)).containsExactly("b");
    assertThat(lan.transitionsTo(VrrpState.MASTER, 0)).hasSize(1);
  }

  @Test
  @DisplayName(
      "preempt delay: the better backup tolerates the lower master for the delay, then preempts")
  void preemptDelayPostponesPreemption() {
    lan.addHost("b", v3("b", 100)).start();
    lan.addHost("a", v3("a", 200).toBuilder().preemptDelayNanos(9_500 * MS).build());
    lan.at(5_100 * MS, () -> lan.host("a").start());
    lan.runUntil(30 * S);

    // The delay runs from a's startup at 5.1 s to 14.6 s. b advertises at 3.609375 + k s: adverts
    // up to 13.609375 s are accepted, from 14.609375 s discarded; a's down timer runs out
    // 3.21875 s after the last accepted one (without the delay: at 5.1 + 3.21875 s).
    assertThat(masterAt("a", 0)).isEqualTo(13_609_375_000L + A_MASTER_AT);
    assertThat(lan.masters(51)).containsExactly("a");
  }

  @Test
  @DisplayName(
      "priority drop on the master: the backup takes over after its Master_Down_Interval (RFC mode)")
  void priorityDropOnMasterRfcMode() {
    startBoth(v3("a", 200), v3("b", 100));
    lan.at(10 * S, () -> lan.host("a").priority("vi_a", 50));
    lan.runUntil(20 * S);

    // a advertises 50 at once; b discards it (preempt) and times out after the last 200 advert.
    assertThat(masterAt("b", 0)).isEqualTo(9_218_750_000L + 3_609_375_000L);
    assertThat(lan.masters(51)).containsExactly("b");
  }

  @Test
  @DisplayName("priority drop on the master: with fast preempt the backup takes over at once")
  void priorityDropOnMasterFastPreempt() {
    startBoth(v3("a", 200), v3("b", 100).toBuilder().fastPreempt(true).build());
    lan.at(10 * S, () -> lan.host("a").priority("vi_a", 50));
    lan.runUntil(20 * S);

    assertThat(masterAt("b", 0)).isEqualTo(10 * S);
    assertThat(lan.masters(51)).containsExactly("b");
    assertThat(lan.transitions())
        .anyMatch(t -> t.host().equals("a") && t.to() == VrrpState.BACKUP && t.atNanos() == 10 * S);
  }

  @Test
  @DisplayName("the address owner (255) starts as master and takes over at once")
  void ownerStartsAsMaster() {
    lan.addHost("b", v3("b", 100)).start();
    lan.addHost("a", v3("a", 255));
    lan.at(5 * S, () -> lan.host("a").start());
    lan.runUntil(20 * S);

    assertThat(masterAt("a", 0)).isEqualTo(5 * S);
    assertThat(lan.masters(51)).containsExactly("a");
    assertThat(lan.host("a").router().effectivePriority()).isEqualTo(255);
  }

  @Test
  @DisplayName("VRRPv2 routers with different intervals drop each other's adverts (RFC 3768 §7.1)")
  void v2IntervalMismatchIsDropped() {
    startBoth(
        RouterConfig.v2("vi_a", 51, 200, 1, List.of(VIP), primary("a")),
        RouterConfig.v2("vi_b", 51, 100, 2, List.of(VIP), primary("b")));
    lan.runUntil(20 * S);

    assertThat(lan.drops(DropReason.INTERVAL_MISMATCH)).isPositive();
    assertThat(lan.masters(51)).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  @DisplayName(
      "VRRPv2 with a wrong password is dropped; with the right one the higher priority wins")
  void v2PasswordIsChecked() {
    startBoth(
        RouterConfig.v2("vi_a", 51, 200, 1, List.of(VIP), primary("a")).toBuilder()
            .password("secret12")
            .build(),
        RouterConfig.v2("vi_b", 51, 100, 1, List.of(VIP), primary("b")).toBuilder()
            .password("secret13")
            .build());
    lan.addHost(
            "c",
            RouterConfig.v2("vi_c", 51, 150, 1, List.of(VIP), primary("c")).toBuilder()
                .password("secret12")
                .build())
        .start();
    lan.runUntil(20 * S);

    assertThat(lan.drops(DropReason.AUTH)).isPositive();
    assertThat(lan.masters(51)).containsExactlyInAnyOrder("a", "b");
    assertThat(lan.host("c").router().state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  @DisplayName("a partition makes two masters; healing leaves one at the first advert")
  void partitionThenHeal() {
    startBoth(v3("a", 200), v3("b", 100));
    lan.at(10 * S, () -> lan.partition(Set.of("a"), Set.of("b")));
    lan.at(20 * S, lan::heal);
    lan.runUntil(19 * S);
    assertThat(lan.masters(51)).containsExactlyInAnyOrder("a", "b");
    assertThat(masterAt("b", 0)).isEqualTo(9_218_750_000L + 3_609_375_000L);

    lan.runUntil(30 * S);
    assertThat(lan.masters(51)).containsExactly("a");
    // a advertises at 3.21875 + k s: its first advert after healing, at 20.21875 s, ends it.
    var bBackup =
        lan.transitions().stream()
            .filter(
                t -> t.host().equals("b") && t.to() == VrrpState.BACKUP && t.atNanos() >= 20 * S)
            .findFirst()
            .orElseThrow();
    assertThat(bBackup.atNanos()).isEqualTo(20_218_750_000L);
    assertThat(lan.host("b").heldAddresses()).isEmpty();
  }

  @Test
  @DisplayName(
      "FAULT releases the addresses with a priority-0 advert; recovery returns through BACKUP")
  void faultAndRecovery() {
    startBoth(v3("a", 200), v3("b", 100));
    lan.at(10 * S, () -> lan.host("a").fault("vi_a", "interface eth0 down"));
    lan.at(20 * S, () -> lan.host("a").clearFault("vi_a"));
    lan.runUntil(15 * S);

    assertThat(lan.host("a").router().state()).isEqualTo(VrrpState.FAULT);
    assertThat(lan.host("a").heldAddresses()).isEmpty();
    assertThat(masterAt("b", 0)).isEqualTo(10 * S + 609_375_000L);

    lan.runUntil(30 * S);
    // Back to BACKUP at 20 s; b's adverts (100) are discarded; a's timer runs out.
    assertThat(masterAt("a", 20 * S)).isEqualTo(20 * S + A_MASTER_AT);
    assertThat(lan.masters(51)).containsExactly("a");
  }

  @Test
  @DisplayName("a sync group fails over together: one member's fault moves every address")
  void syncGroupFailsOverTogether() {
    InetAddress vip6 = SimulatedLan.address("fd00:198:18::100");
    lan.addSyncGroupHost(
            "a",
            "dns",
            RouterConfig.v3("v4", 10, 200, 100, List.of(VIP), primary("a")),
            RouterConfig.v3("v6", 11, 200, 100, List.of(vip6), SimulatedLan.address("fe80::1")))
        .start();
    lan.addSyncGroupHost(
            "b",
            "dns",
            RouterConfig.v3("v4", 10, 100, 100, List.of(VIP), primary("b")),
            RouterConfig.v3("v6", 11, 100, 100, List.of(vip6), SimulatedLan.address("fe80::2")))
        .start();
    lan.at(10 * S, () -> lan.host("a").fault("v4", "tracked interface eth0 down"));
    lan.runUntil(20 * S);

    assertThat(lan.host("a").router("v6").state()).isEqualTo(VrrpState.FAULT);
    assertThat(lan.host("a").heldAddresses()).isEmpty();
    assertThat(lan.masters(10)).containsExactly("b");
    assertThat(lan.masters(11)).containsExactly("b");
    assertThat(lan.transitionsTo(VrrpState.MASTER, 10 * S))
        .extracting(Transition::atNanos)
        .containsExactly(10_609_375_000L, 10_609_375_000L);
    assertThat(lan.host("b").heldAddresses()).containsExactlyInAnyOrder(VIP, vip6);
  }

  @Test
  @DisplayName(
      "a sync group member does not become master while another member still hears its master")
  void syncGroupWaitsUntilAllWouldBeMaster() {
    InetAddress vip2 = SimulatedLan.address("198.18.0.101");
    lan.addHost("a", RouterConfig.v3("only", 11, 200, 100, List.of(vip2), primary("a"))).start();
    lan.addSyncGroupHost(
            "b",
            "pair",
            RouterConfig.v3("first", 10, 100, 100, List.of(VIP), primary("b")),
            RouterConfig.v3("second", 11, 100, 100, List.of(vip2), primary("b")))
        .start();
    lan.runUntil(30 * S);

    assertThat(lan.masters(11)).containsExactly("a");
    assertThat(lan.masters(10)).isEmpty();

    lan.at(40 * S, () -> lan.host("a").crash());
    lan.runUntil(50 * S);
    // a's last advert at 39.21875 s; "second" times out 3.609375 s later and both go together.
    assertThat(lan.masters(10)).containsExactly("b");
    assertThat(lan.masters(11)).containsExactly("b");
    assertThat(masterAt("b", 40 * S)).isEqualTo(39_218_750_000L + 3_609_375_000L);
  }

  @Test
  @DisplayName(
      "when one sync group member hears a better master, the other members follow it to BACKUP")
  void syncGroupFollowsAMemberToBackup() {
    InetAddress vip2 = SimulatedLan.address("198.18.0.101");
    lan.addSyncGroupHost(
            "a",
            "pair",
            RouterConfig.v3("first", 10, 100, 100, List.of(VIP), primary("a")),
            RouterConfig.v3("second", 11, 100, 100, List.of(vip2), primary("a")))
        .start();
    lan.addHost("b", RouterConfig.v3("only", 10, 200, 100, List.of(VIP), primary("b")));
    lan.at(10 * S, () -> lan.host("b").start());
    lan.runUntil(9 * S);
    assertThat(lan.masters(10)).containsExactly("a");
    assertThat(lan.masters(11)).containsExactly("a");

    lan.runUntil(30 * S);
    var followed =
        lan.transitions().stream()
            .filter(t -> t.router().equals("second") && t.change().from() == VrrpState.MASTER)
            .findFirst()
            .orElseThrow();
    assertThat(followed.atNanos()).isEqualTo(10 * S + A_MASTER_AT);
    assertThat(followed.change().reason()).isEqualTo("sync group pair: first became backup");
    assertThat(lan.masters(10)).containsExactly("b");
    assertThat(lan.masters(11)).isEmpty();
    assertThat(lan.host("a").heldAddresses()).isEmpty();
  }
}
