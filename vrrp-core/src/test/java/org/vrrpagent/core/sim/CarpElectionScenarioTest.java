package org.vrrpagent.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vrrpagent.core.carp.CarpConfig;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.wire.DropReason;

/**
 * CARP elections on the simulated LAN, through the production engine and the real CARP codec on
 * both ends. Timings are exact in virtual time: a backup declares the master down after {@code 3 ×
 * advbase + advskew/256} s; a master advertises every {@code advbase + advskew/256} s.
 */
class CarpElectionScenarioTest {
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final InetAddress VIP = SimulatedLan.address("198.18.0.110");
  private static final int VHID = 60;

  private final SimulatedLan lan = new SimulatedLan(7);

  static CarpConfig carp(String node, int advskew, boolean preempt) {
    return carp(node, advskew, preempt, "secret");
  }

  static CarpConfig carp(String node, int advskew, boolean preempt, String passphrase) {
    return new CarpConfig(
        "ns", VHID, 1, advskew, preempt, passphrase, List.of(VIP), primary(node), node.charAt(0));
  }

  static InetAddress primary(String node) {
    return SimulatedLan.address("198.18.0." + (node.charAt(0) - 'a' + 1));
  }

  private long masterAt(String node, long fromNanos) {
    return lan.becameMasterAtNanos(node, fromNanos);
  }

  @Test
  @DisplayName("the shorter interval wins after 3 × advbase of silence; ucarp's two GARPs")
  void shorterIntervalWins() {
    lan.addHost("a").addCarpRouter(carp("a", 0, false)).start();
    lan.addHost("b").addCarpRouter(carp("b", 100, false)).start();
    lan.runUntil(10 * S);

    assertThat(lan.masters(VHID)).as(lan.story()).containsExactly("a");
    assertThat(masterAt("a", 0)).isEqualTo(3 * S);
    assertThat(lan.transitionsTo(VrrpState.MASTER, 0)).hasSize(1);
    assertThat(lan.host("a").heldAddresses()).containsExactly(VIP);
    assertThat(lan.host("b").heldAddresses()).isEmpty();
    // Once on takeover, once more two adverts (2 × 1 s) later.
    assertThat(lan.host("a").announcements())
        .extracting(SimulatedAnnouncer.Announcement::atNanos)
        .containsExactly(3 * S, 5 * S);
    assertThat(lan.host("b").router("ns").masterAddress()).isEqualTo(primary("a"));
    assertThat(lan.drops(DropReason.AUTH)).isZero();
  }

  @Test
  @DisplayName("a crashed master is replaced after 3 × advbase + advskew/256 of silence")
  void crashedMasterIsReplaced() {
    lan.addHost("a").addCarpRouter(carp("a", 0, false)).start();
    lan.addHost("b").addCarpRouter(carp("b", 128, false)).start();
    lan.runUntil(10 * S);
    // a advertises at 3 s, 4 s, …, 10 s; it dies just after its advert at 10 s.
    lan.at(10 * S + 1, () -> lan.host("a").crash());
    lan.runUntil(20 * S);

    assertThat(lan.masters(VHID)).containsExactly("b");
    assertThat(masterAt("b", 10 * S)).isEqualTo(10 * S + 3 * S + 500 * MS);
    assertThat(lan.host("b").heldAddresses()).containsExactly(VIP);
  }

  @Test
  @DisplayName(
      "a stopping master bows out (advbase 255 advskew 255): the backup takes over at once")
  void bowOutHandsOverAtOnce() {
    lan.addHost("a").addCarpRouter(carp("a", 0, false)).start();
    lan.addHost("b").addCarpRouter(carp("b", 100, false)).start();
    lan.runUntil(10 * S + 500 * MS);
    lan.host("a").shutdown();
    lan.runUntil(11 * S);

    assertThat(lan.masters(VHID)).containsExactly("b");
    assertThat(masterAt("b", 10 * S)).isEqualTo(10 * S + 500 * MS);
    assertThat(lan.host("a").heldAddresses()).isEmpty();
    assertThat(lan.host("b").heldAddresses()).containsExactly(VIP);
  }

  @Test
  @DisplayName("preempt: a backup with a shorter interval takes over on the master's first advert")
  void preemptTakesOver() {
    lan.addHost("b").addCarpRouter(carp("b", 100, false)).start();
    lan.runUntil(5 * S);
    assertThat(lan.masters(VHID)).containsExactly("b");
    lan.addHost("a").addCarpRouter(carp("a", 0, true)).start();
    lan.runUntil(12 * S);

    assertThat(lan.masters(VHID)).as(lan.story()).containsExactly("a");
    // b advertises every 1 + 100/256 s; a takes over on the first one it hears after starting.
    assertThat(masterAt("a", 5 * S)).isLessThan(5 * S + 1_400 * MS);
    assertThat(lan.host("b").heldAddresses()).isEmpty();
    assertThat(lan.host("a").heldAddresses()).containsExactly(VIP);
  }

  @Test
  @DisplayName("without preempt a better backup waits; a longer interval never takes over")
  void noPreemptWaits() {
    lan.addHost("b").addCarpRouter(carp("b", 100, false)).start();
    lan.runUntil(5 * S);
    lan.addHost("a").addCarpRouter(carp("a", 0, false)).start();
    lan.runUntil(30 * S);

    assertThat(lan.masters(VHID)).containsExactly("b");
    assertThat(lan.transitionsTo(VrrpState.MASTER, 0)).hasSize(1);
  }

  /**
   * a (advskew 0) is master and b (advskew 100, preempting or not) its backup; at 10.5 s a is
   * demoted to priority 1 (advskew 254, demote 1) and re-advertises at once: b takes over then.
   */
  private void demoteMasterAToTheBottom(boolean bPreempts) {
    lan.addHost("a").addCarpRouter(carp("a", 0, false)).start();
    lan.addHost("b").addCarpRouter(carp("b", 100, bPreempts)).start();
    lan.runUntil(10 * S + 500 * MS);
    assertThat(lan.masters(VHID)).containsExactly("a");
    lan.host("a").priority("ns", 1);
    lan.runUntil(11 * S);

    assertThat(lan.masters(VHID)).as(lan.story()).containsExactly("b");
    assertThat(masterAt("b", 10 * S)).isEqualTo(10 * S + 500 * MS);
  }

  @Test
  @DisplayName(
      "demote to priority 1 = advskew 254, re-advertised at once: a preempting peer takes over")
  void demoteToBackupIsAdvskew254() {
    demoteMasterAToTheBottom(true);

    assertThat(lan.host("b").router("ns").masterAddress()).isEqualTo(primary("b"));
  }

  @Test
  @DisplayName(
      "demote to the bottom also sends demote 1: a peer without preempt takes over (carp(4))")
  void demoteToBackupDrainsEvenWithoutPreempt() {
    // b would wait for a's silence without the demote count (no preempt); a stays backup after.
    demoteMasterAToTheBottom(false);

    lan.runUntil(30 * S);
    assertThat(lan.masters(VHID)).as(lan.story()).containsExactly("b");

    // Promoted again, a is healthy but b keeps the address: without preempt nothing moves back.
    lan.host("a").priority("ns", 254);
    lan.runUntil(40 * S);
    assertThat(lan.masters(VHID)).as(lan.story()).containsExactly("b");
  }

  @Test
  @DisplayName(
      "IPv6 (carp(4)): link-local sources, ff02::12; the shorter interval wins, a crash is"
          + " replaced, a wrong passphrase moves nothing")
  void ipv6ElectionAsCarp4() {
    InetAddress vip6 = SimulatedLan.address("fd00:198:18::110");
    java.util.function.BiFunction<String, Integer, CarpConfig> v6 =
        (node, skew) ->
            new CarpConfig(
                "ns6",
                VHID,
                1,
                skew,
                false,
                node.equals("c") ? "wrong" : "secret",
                List.of(vip6),
                SimulatedLan.address("fe80::" + (node.charAt(0) - 'a' + 1)),
                node.charAt(0));
    lan.addHost("a").addCarpRouter(v6.apply("a", 0)).start();
    lan.addHost("b").addCarpRouter(v6.apply("b", 128)).start();
    lan.runUntil(10 * S);
    assertThat(lan.masters(VHID)).as(lan.story()).containsExactly("a");
    assertThat(masterAt("a", 0)).isEqualTo(3 * S);
    assertThat(lan.host("a").heldAddresses()).containsExactly(vip6);
    assertThat(lan.host("b").router("ns6").masterAddress())
        .isEqualTo(SimulatedLan.address("fe80::1"));

    lan.addHost("c").addCarpRouter(v6.apply("c", 0)).start();
    lan.runUntil(20 * S);
    assertThat(lan.drops(DropReason.AUTH)).isGreaterThan(5);
    assertThat(lan.host("a").router("ns6").conflicts()).hasSize(1);
    assertThat(lan.host("a").router("ns6").state()).isEqualTo(VrrpState.MASTER);
    assertThat(lan.host("b").router("ns6").state()).isEqualTo(VrrpState.BACKUP);

    lan.at(20 * S + 1, () -> lan.host("a").crash());
    lan.runUntil(30 * S);
    assertThat(lan.host("b").router("ns6").state()).as(lan.story()).isEqualTo(VrrpState.MASTER);
    assertThat(masterAt("b", 20 * S)).isEqualTo(20 * S + 3 * S + 500 * MS);
  }

  @Test
  @DisplayName("a wrong passphrase is dropped, counted and raised as a conflict; it moves nothing")
  void wrongPassphraseChangesNothing() {
    lan.addHost("a").addCarpRouter(carp("a", 100, false)).start();
    lan.runUntil(5 * S);
    // c would win (advskew 0, preempt) if its adverts counted.
    lan.addHost("c").addCarpRouter(carp("c", 0, true, "wrong")).start();
    lan.runUntil(30 * S);

    assertThat(lan.host("a").router("ns").state()).isEqualTo(VrrpState.MASTER);
    assertThat(masterAt("a", 0)).isEqualTo(3 * S + 100 * S / 256);
    assertThat(lan.host("a").router("ns").conflicts()).hasSize(1);
    assertThat(lan.drops(DropReason.AUTH)).isGreaterThan(10);
    assertThat(lan.transitions().stream().filter(t -> t.host().equals("a"))).hasSize(2);
  }

  @Test
  @DisplayName("VRRP and CARP with the same id on one socket each reach their own router")
  void mixedVrrpAndCarpOnOneSocket() {
    RouterConfig vrrpA =
        RouterConfig.v3(
            "vi", VHID, 200, 100, List.of(SimulatedLan.address("198.18.0.120")), primary("a"));
    RouterConfig vrrpB =
        RouterConfig.v3(
            "vi", VHID, 100, 100, List.of(SimulatedLan.address("198.18.0.120")), primary("b"));
    lan.addHost("a", vrrpA).addCarpRouter(carp("a", 100, false)).start();
    lan.addHost("b", vrrpB).addCarpRouter(carp("b", 0, false)).start();
    lan.runUntil(20 * S);

    // VRRP: a (priority 200) wins; CARP: b (advskew 0) wins. Nothing is read as the other.
    assertThat(lan.host("a").router("vi").state()).isEqualTo(VrrpState.MASTER);
    assertThat(lan.host("b").router("vi").state()).isEqualTo(VrrpState.BACKUP);
    assertThat(lan.host("b").router("ns").state()).isEqualTo(VrrpState.MASTER);
    assertThat(lan.host("a").router("ns").state()).isEqualTo(VrrpState.BACKUP);
    for (DropReason r : DropReason.values()) {
      assertThat(lan.drops(r)).as(r + "\n" + lan.story()).isZero();
    }
    assertThat(lan.failures()).isEmpty();
  }

  /**
   * Seeded runs of 2..4 CARP hosts with loss, delay, duplication, reordering, partitions and
   * crashes; then the LAN is whole and quiet: exactly one master, the one advertising most often
   * among the running hosts, holding the address alone.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void randomisedLossDelayPartitions(long seed) {
    for (long s = seed * 50; s < seed * 50 + 50; s++) {
      runOne(s);
    }
  }

  private static void runOne(long seed) {
    SimulatedLan lan = new SimulatedLan(seed);
    SplittableRandom r = new SplittableRandom(seed);
    int hosts = 2 + r.nextInt(3);
    List<String> names = new ArrayList<>();
    List<Integer> skews = new ArrayList<>();
    for (int h = 0; h < hosts; h++) {
      String name = String.valueOf((char) ('a' + h));
      int skew;
      do {
        skew = r.nextInt(200);
      } while (skews.contains(skew));
      names.add(name);
      skews.add(skew);
      lan.addHost(name).addCarpRouter(carp(name, skew, r.nextBoolean())).start();
    }
    lan.conditions(
        new LanConditions(r.nextDouble() * 0.3, r.nextDouble() * 0.1, 0, r.nextLong(300) * MS));
    long t = 0;
    for (int step = 0; step < 8; step++) {
      t += (1 + r.nextInt(8)) * S;
      long at = t;
      int choice = r.nextInt(4);
      String victim = names.get(r.nextInt(hosts));
      lan.at(
          at,
          () -> {
            SimulatedHost h = lan.host(victim);
            switch (choice) {
              case 0 -> {
                if (h.running()) {
                  h.crash();
                } else {
                  h.restart();
                }
              }
              case 1 -> lan.partition(Set.of(victim));
              case 2 -> lan.heal();
              default -> {
                if (!h.running()) {
                  h.restart();
                }
              }
            }
          });
    }
    lan.runUntil(t);
    lan.conditions(LanConditions.PERFECT);
    lan.heal();
    // Whole and perfect: within 3 × advbase + skew every backup has heard the master or taken
    // over, and competing masters have heard each other.
    lan.runFor(10 * S);
    String label = lan.label() + "\n" + lan.story();
    List<String> running = names.stream().filter(n -> lan.host(n).running()).toList();
    if (running.isEmpty()) {
      return;
    }
    assertThat(lan.masters(VHID)).as(label).hasSize(1);
    String master = lan.masters(VHID).getFirst();
    for (String n : running) {
      assertThat(lan.host(n).heldAddresses())
          .as(label)
          .isEqualTo(n.equals(master) ? Set.of(VIP) : Set.of());
    }
    assertThat(lan.failures()).as(label).isEmpty();
  }
}
