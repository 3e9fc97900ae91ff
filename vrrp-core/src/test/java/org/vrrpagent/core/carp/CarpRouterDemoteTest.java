package org.vrrpagent.core.carp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.Action.SendCarpAdvertisement;
import org.vrrpagent.core.fsm.Action.StateChanged;
import org.vrrpagent.core.fsm.Event;
import org.vrrpagent.core.fsm.TimerName;
import org.vrrpagent.core.fsm.VrrpState;

/**
 * The demotion counter as carp(4) carries it, in the pure CARP state machine: what we advertise
 * (docs/carp.md, "Demote") and how a peer's count moves the election.
 */
class CarpRouterDemoteTest {
  static final InetAddress VIP = InetAddress.ofLiteral("198.18.0.110");
  static final InetAddress US = InetAddress.ofLiteral("198.18.0.1");
  static final InetAddress PEER = InetAddress.ofLiteral("198.18.0.2");
  static final long S = 1_000_000_000L;

  static CarpConfig config(int advskew, boolean preempt, InetAddress primary) {
    return new CarpConfig("ns", 60, 1, advskew, preempt, "secret", List.of(VIP), primary, 1000);
  }

  /** A valid advert from the peer, as its digest would be with our passphrase. */
  static CarpAdvertisement fromPeer(int advskew, int demote, long counter) {
    return fromPeer(1, advskew, demote, counter);
  }

  static CarpAdvertisement fromPeer(int advbase, int advskew, int demote, long counter) {
    byte[] digest = CarpDigest.forPassphrase("secret").compute(60, List.of(VIP), counter);
    return new CarpAdvertisement(60, advskew, advbase, demote, counter, digest);
  }

  static CarpRouter master(int advskew) {
    CarpRouter r = new CarpRouter(config(advskew, false, US), CarpConfig.basePriorityFor(advskew));
    r.handle(new Event.Startup(), 0);
    r.handle(new Event.TimerFired(TimerName.MASTER_DOWN), 3 * S);
    assertThat(r.state()).isEqualTo(VrrpState.MASTER);
    return r;
  }

  static CarpRouter backup(int advskew, boolean preempt) {
    CarpRouter r =
        new CarpRouter(config(advskew, preempt, US), CarpConfig.basePriorityFor(advskew));
    r.handle(new Event.Startup(), 0);
    assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
    return r;
  }

  static List<CarpAdvertisement> sent(List<Action> actions) {
    return actions.stream()
        .filter(SendCarpAdvertisement.class::isInstance)
        .map(a -> ((SendCarpAdvertisement) a).advert())
        .toList();
  }

  @Test
  void theMappingFromPriorityToDemote() {
    assertThat(CarpConfig.demoteFor(254, 254)).isZero();
    assertThat(CarpConfig.demoteFor(2, 254)).isZero();
    assertThat(CarpConfig.demoteFor(1, 254)).as("to backup, or clamped at the bottom").isOne();
    assertThat(CarpConfig.demoteFor(1, 154)).isOne();
    assertThat(CarpConfig.demoteFor(1, 1))
        .as("configured at the bottom (advskew 253, 254)")
        .isZero();
  }

  @Test
  void aHealthyRouterAdvertisesDemoteZeroAsUcarpDoes() {
    CarpRouter r = new CarpRouter(config(0, false, US), 254);
    r.handle(new Event.Startup(), 0);
    List<Action> out = r.handle(new Event.TimerFired(TimerName.MASTER_DOWN), 3 * S);
    assertThat(sent(out)).singleElement().satisfies(a -> assertThat(a.demote()).isZero());
  }

  @Test
  void demotedToTheBottomAMasterAdvertisesAdvskew254AndDemote1AtOnce() {
    CarpRouter r = master(0);
    List<Action> out = r.handle(new Event.PriorityChanged(1), 4 * S);
    assertThat(sent(out))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.advskew()).isEqualTo(254);
              assertThat(a.demote()).isOne();
            });
    assertThat(r.demote()).isOne();
    // promoted again: back to the configured skew and demote 0, at once
    out = r.handle(new Event.PriorityChanged(254), 5 * S);
    assertThat(sent(out))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.advskew()).isZero();
              assertThat(a.demote()).isZero();
            });
  }

  @Test
  void aDemotedMastersBowOutCarriesItsDemoteCount() {
    CarpRouter r = master(0);
    r.handle(new Event.PriorityChanged(1), 4 * S);
    List<Action> out = r.handle(new Event.Shutdown(), 5 * S);
    assertThat(sent(out))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.bowsOut()).isTrue();
              assertThat(a.demote()).isOne();
            });
  }

  @Test
  void aBackupTakesOverFromAMoreDemotedMasterEvenWithoutPreempt() {
    CarpRouter r = backup(100, false);
    // Its interval is shorter (advskew 0 against our 100), but it is demoted.
    List<Action> out = r.handle(new Event.CarpAdvertReceived(fromPeer(0, 1, 7), PEER), 1 * S);
    assertThat(r.state()).isEqualTo(VrrpState.MASTER);
    assertThat(out)
        .filteredOn(StateChanged.class::isInstance)
        .singleElement()
        .satisfies(a -> assertThat(((StateChanged) a).reason()).contains("more demoted"));
  }

  @Test
  void aDemotedBackupNeverPreemptsALessDemotedMasterButTakesOverItsBowOut() {
    CarpRouter r = backup(0, true);
    r.handle(new Event.PriorityChanged(1), S / 2);
    assertThat(r.demote()).isOne();
    // The master advertises less often than our configured skew would, but it is not demoted.
    r.handle(new Event.CarpAdvertReceived(fromPeer(200, 0, 7), PEER), 1 * S);
    assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
    // Equal demote counts: preempt by interval as before (a healthy peer at advskew 254 loses to
    // nobody here: our skew is 254 too, so no preemption either).
    r.handle(new Event.CarpAdvertReceived(fromPeer(254, 1, 8), PEER), 2 * S);
    assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
    // The bow out is taken over whatever the demote counts (carp(4) does the same).
    r.handle(new Event.CarpAdvertReceived(fromPeer(255, 255, 0, 9), PEER), 3 * S);
    assertThat(r.state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  void aMasterStepsDownForALessDemotedOneWhateverTheIntervalAndKeepsAMoreDemotedOneOff() {
    CarpRouter demoted = master(0);
    demoted.handle(new Event.PriorityChanged(1), 4 * S);
    // A longer interval (advskew 200) but demote 0 against our 1: we step down.
    List<Action> out =
        demoted.handle(new Event.CarpAdvertReceived(fromPeer(200, 0, 7), PEER), 5 * S);
    assertThat(demoted.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(sent(out)).as("one more advert so the winner knows").hasSize(1);

    CarpRouter healthy = master(100);
    // A shorter interval (advskew 0) but demote 2 against our 0: we stay and reassert.
    out = healthy.handle(new Event.CarpAdvertReceived(fromPeer(0, 2, 7), PEER), 5 * S);
    assertThat(healthy.state()).isEqualTo(VrrpState.MASTER);
    assertThat(sent(out)).hasSize(1);
  }
}
