package org.vrrpagent.core.carp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.carp.CarpElection.Self;
import org.vrrpagent.core.carp.CarpElection.Verdict;

/** The election rules of carp(4) and ucarp 1.5.2, each as a sentence. */
class CarpElectionTest {
  static final InetAddress US = InetAddress.ofLiteral("198.18.1.11");
  static final InetAddress PEER = InetAddress.ofLiteral("198.18.1.12");

  static CarpAdvertisement advert(int advbase, int advskew, int demote) {
    return new CarpAdvertisement(60, advskew, advbase, demote, 1, new byte[20]);
  }

  @Test
  void timersFollowTheFormulas() {
    assertThat(CarpElection.advertIntervalNanos(1, 0)).isEqualTo(1_000_000_000L);
    assertThat(CarpElection.advertIntervalNanos(1, 50)).isEqualTo(1_195_312_000L);
    assertThat(CarpElection.masterDownIntervalNanos(1, 0)).isEqualTo(3_000_000_000L);
    // ucarp: 3 × advbase seconds, plus advskew/256 s once (not three times)
    assertThat(CarpElection.masterDownIntervalNanos(1, 50)).isEqualTo(3_195_312_000L);
    assertThat(CarpElection.masterDownIntervalNanos(255, 255)).isEqualTo(765_996_093_000L);
  }

  @Test
  void aMasterStepsDownForAShorterInterval() {
    assertThat(CarpElection.asMaster(new Self(1, 50, 0, US), advert(1, 0, 0), PEER))
        .isEqualTo(Verdict.STEP_DOWN);
  }

  @Test
  void aMasterReassertsAgainstALongerInterval() {
    assertThat(CarpElection.asMaster(new Self(1, 0, 0, US), advert(1, 50, 0), PEER))
        .isEqualTo(Verdict.REASSERT);
    assertThat(CarpElection.asMaster(new Self(1, 0, 0, US), advert(255, 255, 0), PEER))
        .isEqualTo(Verdict.REASSERT);
  }

  @Test
  void atEqualIntervalsTheLowerAddressAsUcarpComparesItWins() {
    // 198.18.1.11 vs .12: the last octet decides, .11 wins either way of comparing.
    assertThat(CarpElection.asMaster(new Self(1, 0, 0, US), advert(1, 0, 0), PEER))
        .isEqualTo(Verdict.REASSERT);
    assertThat(CarpElection.asMaster(new Self(1, 0, 0, PEER), advert(1, 0, 0), US))
        .isEqualTo(Verdict.STEP_DOWN);
    // 198.18.2.10 vs 198.18.1.11: numerically .1.11 is lower, but ucarp on a little-endian
    // machine compares s_addr as a number in host order, where the last octet weighs most.
    InetAddress twoTen = InetAddress.ofLiteral("198.18.2.10");
    assertThat(CarpElection.winsTie(twoTen, US)).isTrue();
    assertThat(CarpElection.asMaster(new Self(1, 0, 0, US), advert(1, 0, 0), twoTen))
        .isEqualTo(Verdict.STEP_DOWN);
    assertThat(CarpElection.asMaster(new Self(1, 0, 0, twoTen), advert(1, 0, 0), US))
        .isEqualTo(Verdict.REASSERT);
  }

  @Test
  void aLowerDemoteCountWinsWhateverTheInterval() {
    assertThat(CarpElection.asMaster(new Self(1, 0, 1, US), advert(10, 200, 0), PEER))
        .isEqualTo(Verdict.STEP_DOWN);
    assertThat(CarpElection.asMaster(new Self(10, 200, 0, US), advert(1, 0, 1), PEER))
        .isEqualTo(Verdict.REASSERT);
    assertThat(CarpElection.asBackup(new Self(10, 200, 0, US), advert(1, 0, 1), false))
        .isEqualTo(Verdict.TAKE_OVER);
  }

  @Test
  void aBackupWithoutPreemptWaitsForALiveMasterEvenASlowerOne() {
    assertThat(CarpElection.asBackup(new Self(1, 0, 0, US), advert(1, 50, 0), false))
        .isEqualTo(Verdict.RESTART_MASTER_DOWN);
    assertThat(CarpElection.asBackup(new Self(1, 50, 0, US), advert(1, 0, 0), false))
        .isEqualTo(Verdict.RESTART_MASTER_DOWN);
  }

  @Test
  void aPreemptingBackupTakesOverFromASlowerMasterOnly() {
    assertThat(CarpElection.asBackup(new Self(1, 0, 0, US), advert(1, 50, 0), true))
        .isEqualTo(Verdict.TAKE_OVER);
    assertThat(CarpElection.asBackup(new Self(1, 50, 0, US), advert(1, 0, 0), true))
        .isEqualTo(Verdict.RESTART_MASTER_DOWN);
    assertThat(CarpElection.asBackup(new Self(1, 0, 0, US), advert(1, 0, 0), true))
        .isEqualTo(Verdict.RESTART_MASTER_DOWN);
    assertThat(CarpElection.asBackup(new Self(1, 0, 1, US), advert(1, 50, 0), true))
        .as("not from a master with a lower demote count")
        .isEqualTo(Verdict.RESTART_MASTER_DOWN);
  }

  @Test
  void aBowOutIsTakenOverAtOnceWithOrWithoutPreempt() {
    CarpAdvertisement bowOut = advert(255, 255, 0);
    assertThat(bowOut.bowsOut()).isTrue();
    assertThat(CarpElection.asBackup(new Self(1, 0, 0, US), bowOut, false))
        .isEqualTo(Verdict.TAKE_OVER);
    assertThat(CarpElection.asBackup(new Self(1, 254, 0, US), bowOut, false))
        .isEqualTo(Verdict.TAKE_OVER);
    assertThat(CarpElection.asBackup(new Self(86, 0, 0, US), bowOut, false))
        .as(
            "3 × 86 s is not shorter than 255.996 s: only a backup whose master-down interval is shorter takes over")
        .isEqualTo(Verdict.RESTART_MASTER_DOWN);
  }
}
