package org.vrrpagent.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.VrrpState;

/**
 * resign-below on a perfect simulated LAN, with the exact virtual times of the RFC formulas. With a
 * 1 s interval:
 *
 * <pre>
 * priority 200: Skew_Time = 56/256 s  = 0.218750 s, Master_Down_Interval = 3.218750 s
 * priority 120: Skew_Time = 136/256 s = 0.531250 s, Master_Down_Interval = 3.531250 s
 * priority 100: Skew_Time = 156/256 s = 0.609375 s, Master_Down_Interval = 3.609375 s
 * </pre>
 */
class ResignBelowScenarioTest {
  private static final long S = 1_000_000_000L;
  private static final InetAddress VIP = SimulatedLan.address("198.18.0.100");
  private static final long A_MASTER_AT = 3_218_750_000L;
  private static final long SKEW_100 = 609_375_000L;
  private static final long DOWN_120 = 3_531_250_000L;
  private static final long DOWN_200 = 3_218_750_000L;
  private static final String RESIGN_REASON = "priority 120 below resign-below 150";

  private final SimulatedLan lan = new SimulatedLan(1);

  private static RouterConfig v3(String node, int priority) {
    return RouterConfig.v3("vi_" + node, 51, priority, 100, List.of(VIP), primary(node));
  }

  private static RouterConfig resigning(String node, int priority) {
    return v3(node, priority).toBuilder().resignBelow(150).build();
  }

  private static InetAddress primary(String node) {
    return SimulatedLan.address("198.18.0." + (node.charAt(0) - 'a' + 1));
  }

  private List<Transition> of(String node, VrrpState to) {
    return lan.transitions().stream().filter(t -> t.host().equals(node) && t.to() == to).toList();
  }

  private List<Long> timesOf(String node, VrrpState to) {
    return of(node, to).stream().map(Transition::atNanos).toList();
  }

  private void priorityAt(long atNanos, String node, int priority) {
    lan.at(atNanos, () -> lan.host(node).priority("vi_" + node, priority));
  }

  @Test
  @DisplayName(
      "a master whose priority drops below resign-below hands over: the peer is master after its Skew_Time")
  void resignHandsOverAfterThePeersSkewTime() {
    lan.addHost("a", resigning("a", 200)).start();
    lan.addHost("b", v3("b", 100)).start();
    priorityAt(10 * S, "a", 120);
    lan.runUntil(20 * S);

    Transition resign = of("a", VrrpState.BACKUP).getLast();
    assertThat(resign.atNanos()).isEqualTo(10 * S);
    assertThat(resign.change().from()).isEqualTo(VrrpState.MASTER);
    assertThat(resign.change().reason()).isEqualTo(RESIGN_REASON);
    assertThat(timesOf("b", VrrpState.MASTER)).containsExactly(10 * S + SKEW_100);
    // a (120) outranks b (100) but does not preempt it back while its priority stays low.
    assertThat(lan.masters(51)).containsExactly("b");
    assertThat(timesOf("a", VrrpState.MASTER)).containsExactly(A_MASTER_AT);
    assertThat(lan.host("a").router().resigned()).isTrue();
    assertThat(lan.host("a").heldAddresses()).isEmpty();
    assertThat(lan.host("b").heldAddresses()).containsExactly(VIP);
  }

  @Test
  @DisplayName(
      "nobody takes over: master again after its Master_Down_Interval, then no second resign while the priority stays low")
  void nobodyTakesOverMasterAgainAndNoPingPong() {
    lan.addHost("a", resigning("a", 200)).start();
    priorityAt(10 * S, "a", 120);
    priorityAt(15 * S, "a", 110);
    priorityAt(17 * S, "a", 120);
    lan.runUntil(30 * S);

    assertThat(timesOf("a", VrrpState.BACKUP)).containsExactly(0L, 10 * S);
    assertThat(of("a", VrrpState.BACKUP).getLast().change().reason()).isEqualTo(RESIGN_REASON);
    // The down timer runs with a's new priority: Master_Down_Interval for 120.
    assertThat(timesOf("a", VrrpState.MASTER)).containsExactly(A_MASTER_AT, 10 * S + DOWN_120);
    assertThat(of("a", VrrpState.MASTER).getLast().change().reason())
        .isEqualTo("master down timer expired");
    assertThat(lan.masters(51)).containsExactly("a");
    assertThat(lan.host("a").heldAddresses()).containsExactly(VIP);
  }

  @Test
  @DisplayName(
      "the priority recovers: the episode ends, the router preempts back, and the next failure resigns again")
  void recoveryEndsTheEpisode() {
    lan.addHost("a", resigning("a", 200)).start();
    lan.addHost("b", v3("b", 100)).start();
    priorityAt(10 * S, "a", 120);
    priorityAt(20 * S, "a", 200);
    priorityAt(30 * S, "a", 120);
    lan.runUntil(40 * S);

    // b adverts at 10.609375 + k s; a accepted them until 20 s, so its down timer started at
    // b's advert at 19.609375 s and runs out a Master_Down_Interval (priority 200) later.
    long preemptBack = 19 * S + SKEW_100 + DOWN_200;
    assertThat(timesOf("a", VrrpState.MASTER)).containsExactly(A_MASTER_AT, preemptBack);
    assertThat(timesOf("a", VrrpState.BACKUP)).containsExactly(0L, 10 * S, 30 * S);
    assertThat(of("a", VrrpState.BACKUP).getLast().change().reason()).isEqualTo(RESIGN_REASON);
    assertThat(timesOf("b", VrrpState.MASTER))
        .containsExactly(10 * S + SKEW_100, 30 * S + SKEW_100);
    assertThat(lan.masters(51)).containsExactly("b");
  }

  @Test
  @DisplayName("after resigning, the router takes over normally when the new master goes silent")
  void resignedRouterTakesOverWhenThePeerIsGone() {
    lan.addHost("a", resigning("a", 200)).start();
    lan.addHost("b", v3("b", 100)).start();
    priorityAt(10 * S, "a", 120);
    lan.at(15 * S, () -> lan.host("b").crash());
    lan.runUntil(25 * S);

    // b's last advert left at 14.609375 s; a's Master_Down_Interval at priority 120 is 3.53125 s.
    assertThat(timesOf("a", VrrpState.MASTER))
        .containsExactly(A_MASTER_AT, 14 * S + SKEW_100 + DOWN_120);
    assertThat(of("a", VrrpState.BACKUP)).hasSize(2);
    assertThat(lan.masters(51)).containsExactly("a");
  }

  @Test
  @DisplayName(
      "a router already below resign-below when it becomes master does not resign on a further drop")
  void becomingMasterWhileBelowDoesNotResign() {
    lan.addHost("a", resigning("a", 200)).start();
    priorityAt(1 * S, "a", 120);
    priorityAt(10 * S, "a", 110);
    lan.runUntil(20 * S);

    // Backup at startup, priority 120 from 1 s: master a Master_Down_Interval (priority 120) after
    // startup.
    assertThat(timesOf("a", VrrpState.MASTER)).containsExactly(DOWN_120);
    assertThat(timesOf("a", VrrpState.BACKUP)).containsExactly(0L);
    assertThat(lan.host("a").router().resigned()).isFalse();
  }

  @Test
  @DisplayName(
      "resign-below off (0): a lower priority only re-advertises, the backup waits its Master_Down_Interval")
  void offByDefault() {
    lan.addHost("a", v3("a", 200)).start();
    lan.addHost("b", v3("b", 100)).start();
    priorityAt(10 * S, "a", 50);
    lan.runUntil(20 * S);

    // a re-advertises 50 at 10 s; b discards it (preempt) and its timer from a's advert at
    // 9.21875 s runs out a Master_Down_Interval (priority 100) later.
    assertThat(timesOf("b", VrrpState.MASTER)).containsExactly(9_218_750_000L + 3_609_375_000L);
    assertThat(of("a", VrrpState.BACKUP).getLast().change().reason())
        .startsWith("higher priority advert");
  }
}
