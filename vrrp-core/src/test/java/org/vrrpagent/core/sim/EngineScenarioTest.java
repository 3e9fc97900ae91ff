package org.vrrpagent.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.engine.AnnounceSchedule;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.wire.DropReason;

/**
 * What the engine does around the state machine, on a perfect simulated LAN with exact virtual
 * times: demultiplexing several routers on one interface, reloads (a router added, removed, or
 * changed while the host runs) and the announcement schedule. With a 1 s interval:
 *
 * <pre>
 * priority 250: Skew_Time = 6/256 s   = 0.0234375 s, Master_Down_Interval = 3.0234375 s
 * priority 220: Skew_Time = 36/256 s  = 0.140625 s,  Master_Down_Interval = 3.140625 s
 * priority 200: Skew_Time = 56/256 s  = 0.218750 s,  Master_Down_Interval = 3.218750 s
 * priority 100: Skew_Time = 156/256 s = 0.609375 s,  Master_Down_Interval = 3.609375 s
 * </pre>
 */
class EngineScenarioTest {
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final InetAddress VIP = SimulatedLan.address("198.18.0.100");
  private static final InetAddress VIP2 = SimulatedLan.address("198.18.0.101");
  private static final long DOWN_200 = 3_218_750_000L;
  private static final long DOWN_220 = 3_140_625_000L;
  private static final long DOWN_250 = 3_023_437_500L;
  private static final long SKEW_100 = 609_375_000L;

  private final SimulatedLan lan = new SimulatedLan(1);

  private static RouterConfig router(String host, int vrid, InetAddress vip, int priority) {
    return RouterConfig.v3("vi" + vrid, vrid, priority, 100, List.of(vip), primary(host));
  }

  private static InetAddress primary(String host) {
    return SimulatedLan.address("198.18.0." + (host.charAt(0) - 'a' + 1));
  }

  private List<Long> timesOf(String host, String router, VrrpState to) {
    return lan.transitions().stream()
        .filter(t -> t.host().equals(host) && t.router().equals(router) && t.to() == to)
        .map(Transition::atNanos)
        .toList();
  }

  @Test
  @DisplayName("two routers on one interface: each advert reaches the router of its VRID")
  void routersOnOneInterfaceAreDemultiplexedByVrid() {
    lan.addHost("a", router("a", 51, VIP, 200), router("a", 52, VIP2, 100)).start();
    lan.addHost("b", router("b", 51, VIP, 100), router("b", 52, VIP2, 200)).start();
    lan.runUntil(10 * S);

    assertThat(lan.masters(51)).containsExactly("a");
    assertThat(lan.masters(52)).containsExactly("b");
    assertThat(timesOf("a", "vi51", VrrpState.MASTER)).containsExactly(DOWN_200);
    assertThat(timesOf("b", "vi52", VrrpState.MASTER)).containsExactly(DOWN_200);
    assertThat(timesOf("a", "vi52", VrrpState.MASTER)).isEmpty();
    assertThat(lan.host("a").heldAddresses()).containsExactly(VIP);
    assertThat(lan.host("b").heldAddresses()).containsExactly(VIP2);
    assertThat(lan.drops(DropReason.VRID)).isZero();
  }

  @Test
  @DisplayName("an advert for a VRID the host does not run is dropped and counted as vrid")
  void advertForAnotherVridIsDropped() {
    lan.addHost("a", router("a", 51, VIP, 200)).start();
    lan.addHost("b", router("b", 52, VIP2, 200)).start();
    lan.runUntil(10 * S);

    assertThat(lan.masters(51)).containsExactly("a");
    assertThat(lan.masters(52)).containsExactly("b");
    assertThat(lan.drops(DropReason.VRID)).isPositive();
  }

  @Test
  @DisplayName(
      "reload: a router added to a running host starts at once and preempts after its Master_Down_Interval")
  void aRouterAddedByAReloadStartsAtOnce() {
    lan.addHost("a", router("a", 51, VIP, 200)).start();
    lan.addHost("c").start();
    lan.at(10 * S, () -> lan.host("c").addRouter(router("c", 51, VIP, 250)));
    lan.runUntil(20 * S);

    assertThat(timesOf("c", "vi51", VrrpState.BACKUP)).containsExactly(10 * S);
    assertThat(timesOf("c", "vi51", VrrpState.MASTER)).containsExactly(10 * S + DOWN_250);
    assertThat(timesOf("a", "vi51", VrrpState.BACKUP)).containsExactly(0L, 10 * S + DOWN_250);
    assertThat(lan.masters(51)).containsExactly("c");
    assertThat(lan.host("a").heldAddresses()).isEmpty();
    assertThat(lan.host("c").heldAddresses()).containsExactly(VIP);
  }

  @Test
  @DisplayName(
      "reload: the master's router removed sends priority 0; the backup takes over after its Skew_Time")
  void removingTheMastersRouterHandsOver() {
    lan.addHost("a", router("a", 51, VIP, 200)).start();
    lan.addHost("b", router("b", 51, VIP, 100)).start();
    lan.at(10 * S, () -> lan.host("a").removeRouter("vi51"));
    lan.runUntil(20 * S);

    assertThat(timesOf("a", "vi51", VrrpState.INIT)).containsExactly(10 * S);
    assertThat(timesOf("b", "vi51", VrrpState.MASTER)).containsExactly(10 * S + SKEW_100);
    assertThat(lan.host("a").heldAddresses()).isEmpty();
    assertThat(lan.host("a").running()).isTrue();
    assertThat(lan.masters(51)).containsExactly("b");
  }

  @Test
  @DisplayName(
      "reload: a changed router restarts as backup, the peer takes over, and it preempts back")
  void aChangedRouterRestarts() {
    lan.addHost("a", router("a", 51, VIP, 200)).start();
    lan.addHost("b", router("b", 51, VIP, 100)).start();
    lan.at(
        10 * S,
        () -> {
          lan.host("a").removeRouter("vi51");
          lan.host("a").addRouter(router("a", 51, VIP, 220));
        });
    lan.runUntil(20 * S);

    // a's priority 0 at 10 s: b is master a Skew_Time later; a (now 220) ignores b's adverts
    // and its down timer, started at 10 s, runs out a Master_Down_Interval (220) later.
    assertThat(timesOf("a", "vi51", VrrpState.BACKUP)).containsExactly(0L, 10 * S);
    assertThat(timesOf("b", "vi51", VrrpState.MASTER)).containsExactly(10 * S + SKEW_100);
    assertThat(timesOf("a", "vi51", VrrpState.MASTER)).containsExactly(DOWN_200, 10 * S + DOWN_220);
    assertThat(lan.host("a").router("vi51").effectivePriority()).isEqualTo(220);
    assertThat(lan.masters(51)).containsExactly("a");
    assertThat(lan.host("a").heldAddresses()).containsExactly(VIP);
  }

  @Test
  @DisplayName(
      "announcements: repeat at once, repeat again after the delay, one per refresh, none after leaving MASTER")
  void announcementSchedule() {
    lan.addHost("a", router("a", 51, VIP, 200))
        .announce(new AnnounceSchedule(Duration.ofSeconds(2), 2, Duration.ofSeconds(3)))
        .start();
    lan.at(13 * S, () -> lan.host("a").shutdown());
    lan.runUntil(30 * S);

    assertThat(lan.host("a").announcements())
        .extracting(SimulatedAnnouncer.Announcement::atNanos)
        .containsExactly(
            DOWN_200,
            DOWN_200, // on becoming master
            DOWN_200 + 2 * S,
            DOWN_200 + 2 * S, // after the delay
            DOWN_200 + 3 * S,
            DOWN_200 + 6 * S,
            DOWN_200 + 9 * S); // refresh, until the shutdown at 13 s
    assertThat(lan.host("a").announcements())
        .allSatisfy(a -> assertThat(a.addresses()).containsExactly(VIP));
  }

  @Test
  @DisplayName(
      "address changes that take time: the address follows the state, in order, and announcements wait for it")
  void slowAddressChanges() {
    lan.addHost("a", router("a", 51, VIP, 200)).addressLatencyNanos(40 * MS).start();
    lan.addHost("b", router("b", 51, VIP, 100)).addressLatencyNanos(40 * MS).start();
    lan.at(10 * S, () -> lan.host("a").shutdown());
    lan.runUntil(10 * S + SKEW_100 + 20 * MS);

    assertThat(lan.host("a").heldAddresses()).isEmpty(); // removed during the shutdown
    assertThat(lan.host("b").heldAddresses()).as("b's add still under way").isEmpty();
    lan.runUntil(10 * S + SKEW_100 + 40 * MS);
    assertThat(lan.host("b").heldAddresses()).containsExactly(VIP);
    assertThat(lan.host("b").announcements())
        .extracting(SimulatedAnnouncer.Announcement::atNanos)
        .first()
        .isEqualTo(10 * S + SKEW_100 + 40 * MS);
  }
}
