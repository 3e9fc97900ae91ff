package org.vrrpagent.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.Action.AddAddresses;
import org.vrrpagent.core.fsm.Action.AnnounceAddresses;
import org.vrrpagent.core.fsm.Action.ArmTimer;
import org.vrrpagent.core.fsm.Action.CancelTimer;
import org.vrrpagent.core.fsm.Action.Dropped;
import org.vrrpagent.core.fsm.Action.PeerMisconfigured;
import org.vrrpagent.core.fsm.Action.RemoveAddresses;
import org.vrrpagent.core.fsm.Action.SendAdvertisement;
import org.vrrpagent.core.fsm.Action.StateChanged;
import org.vrrpagent.core.fsm.Event.AdvertReceived;
import org.vrrpagent.core.fsm.Event.FaultCleared;
import org.vrrpagent.core.fsm.Event.FaultRaised;
import org.vrrpagent.core.fsm.Event.PriorityChanged;
import org.vrrpagent.core.fsm.Event.Shutdown;
import org.vrrpagent.core.fsm.Event.Startup;
import org.vrrpagent.core.fsm.Event.TimerFired;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AuthType;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.ReceivedAdvertisement;

/**
 * One virtual router, event by event, against RFC 9568 §6.4 / RFC 3768 §6.4 and the keepalived
 * extensions.
 */
class VirtualRouterTest {
  private static final long S = 1_000_000_000L;
  private static final InetAddress VIP = ip("198.18.0.100");
  private static final InetAddress ME = ip("198.18.0.1");
  private static final InetAddress PEER = ip("198.18.0.2");
  private static final InetAddress LOWER_PEER = ip("198.18.0.0");

  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static RouterConfig config(int priority) {
    return RouterConfig.v3("vi_1", 51, priority, 100, List.of(VIP), ME);
  }

  static AdvertReceived advert(int priority, int intervalCentis, InetAddress from) {
    return new AdvertReceived(
        new ReceivedAdvertisement(
            Advertisement.v3(51, priority, intervalCentis, List.of(VIP)),
            from,
            ChecksumMode.PSEUDO_HEADER));
  }

  static AdvertReceived v2Advert(int priority, int seconds, String password, InetAddress from) {
    byte[] auth = password == null ? new byte[8] : RouterConfig.password(password);
    return new AdvertReceived(
        new ReceivedAdvertisement(
            Advertisement.v2(
                51,
                priority,
                seconds,
                List.of(VIP),
                password == null ? AuthType.NONE : AuthType.SIMPLE_TEXT,
                auth),
            from,
            ChecksumMode.MESSAGE_ONLY));
  }

  private static VirtualRouter master(RouterConfig config) {
    VirtualRouter r = new VirtualRouter(config);
    r.handle(new Startup(), 0);
    long down = r.timerDeadlineNanos(TimerName.MASTER_DOWN);
    r.handle(new TimerFired(TimerName.MASTER_DOWN), down);
    assertThat(r.state()).isEqualTo(VrrpState.MASTER);
    return r;
  }

  @Test
  @DisplayName(
      "RFC 9568 §6.4.1: a non-owner starts as backup with Master_Down_Timer = Master_Down_Interval")
  void startupGoesToBackupAndArmsTheDownTimer() {
    VirtualRouter r = new VirtualRouter(config(100));
    List<Action> actions = r.handle(new Startup(), 5 * S);
    assertThat(actions)
        .containsExactly(
            new ArmTimer(TimerName.MASTER_DOWN, 5 * S + 3_609_375_000L),
            new StateChanged(VrrpState.INIT, VrrpState.BACKUP, "startup", 100));
    assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  @DisplayName(
      "RFC 9568 §6.4.1: the owner starts as master: advert first, then addresses, GARP/NA, Adver_Timer")
  void ownerStartsAsMaster() {
    VirtualRouter r = new VirtualRouter(config(255));
    List<Action> actions = r.handle(new Startup(), 0);
    assertThat(actions)
        .containsExactly(
            new SendAdvertisement(Advertisement.v3(51, 255, 100, List.of(VIP))),
            new AddAddresses(List.of(VIP)),
            new AnnounceAddresses(List.of(VIP)),
            new ArmTimer(TimerName.ADVERTISEMENT, S),
            new StateChanged(
                VrrpState.INIT,
                VrrpState.MASTER,
                "address owner (priority 255) starts as master",
                255));
    assertThat(r.masterAddress()).isEqualTo(ME);
  }

  @Test
  @DisplayName("RFC 9568 §7.1: the owner discards adverts for its VRID")
  void ownerDiscardsAdverts() {
    VirtualRouter r = new VirtualRouter(config(255));
    r.handle(new Startup(), 0);
    assertThat(r.handle(advert(254, 100, PEER), S))
        .singleElement()
        .isInstanceOfSatisfying(
            Dropped.class, d -> assertThat(d.reason()).isEqualTo(DropReason.VRID));
    assertThat(r.state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  @DisplayName(
      "the takeover advert is built ahead: the backup's takeover sends the very object, at its priority of the moment")
  void takeoverAdvertIsBuiltAhead() {
    VirtualRouter r = new VirtualRouter(config(100));
    r.handle(new Startup(), 0);
    r.handle(new PriorityChanged(90), S);
    SendAdvertisement prepared = r.takeoverAdvert();
    assertThat(prepared.advert().priority()).isEqualTo(90);
    assertThat(r.takeoverAdvert()).as("cached while the priority stays").isSameAs(prepared);
    List<Action> actions = r.handle(new TimerFired(TimerName.MASTER_DOWN), 5 * S);
    assertThat(actions.stream().filter(a -> a instanceof SendAdvertisement).toList())
        .singleElement()
        .isSameAs(prepared);
  }

  @Test
  @DisplayName("RFC 9568 §6.4.2: master-down timer expiry makes the backup master")
  void downTimerMakesMaster() {
    VirtualRouter r = new VirtualRouter(config(100));
    r.handle(new Startup(), 0);
    List<Action> actions = r.handle(new TimerFired(TimerName.MASTER_DOWN), 3_609_375_000L);
    assertThat(actions)
        .last()
        .isEqualTo(
            new StateChanged(VrrpState.BACKUP, VrrpState.MASTER, "master down timer expired", 100));
    assertThat(actions).contains(new ArmTimer(TimerName.ADVERTISEMENT, 3_609_375_000L + S));
    // The advert leaves before the addresses are even queued (RFC order: advert, then GARP/NA).
    assertThat(
            actions.stream()
                .filter(
                    a ->
                        a instanceof SendAdvertisement
                            || a instanceof AddAddresses
                            || a instanceof AnnounceAddresses)
                .toList())
        .containsExactly(
            new SendAdvertisement(Advertisement.v3(51, 100, 100, List.of(VIP))),
            new AddAddresses(List.of(VIP)),
            new AnnounceAddresses(List.of(VIP)));
  }

  @Test
  @DisplayName(
      "RFC 9568 §6.4.2: a v3 backup learns the master's interval and recomputes Master_Down_Interval")
  void backupLearnsTheMastersInterval() {
    VirtualRouter r = new VirtualRouter(config(100));
    r.handle(new Startup(), 0);
    List<Action> actions = r.handle(advert(200, 50, PEER), S);
    // 3 × 0.5 s + (156 × 0.5 s) / 256 = 1.8046875 s
    assertThat(actions).containsExactly(new ArmTimer(TimerName.MASTER_DOWN, S + 1_804_687_500L));
    assertThat(r.masterAdvertIntervalCentis()).isEqualTo(50);
    assertThat(r.masterAddress()).isEqualTo(PEER);
  }

  @Test
  @DisplayName("RFC 9568 §6.4.2: priority 0 sets the down timer to Skew_Time")
  void priorityZeroWaitsSkewTime() {
    VirtualRouter r = new VirtualRouter(config(100));
    r.handle(new Startup(), 0);
    r.handle(advert(200, 100, PEER), S);
    assertThat(r.handle(advert(0, 100, PEER), 2 * S))
        .containsExactly(new ArmTimer(TimerName.MASTER_DOWN, 2 * S + 609_375_000L));
    assertThat(r.handle(new TimerFired(TimerName.MASTER_DOWN), 2 * S + 609_375_000L))
        .last()
        .isEqualTo(
            new StateChanged(
                VrrpState.BACKUP,
                VrrpState.MASTER,
                "master 198.18.0.2 left (priority 0), skew time expired",
                100));
  }

  @Test
  @DisplayName(
      "RFC 9568 §6.4.2: with preempt, a lower-priority advert is discarded (the down timer keeps running)")
  void preemptingBackupDiscardsLowerAdverts() {
    VirtualRouter r = new VirtualRouter(config(100));
    r.handle(new Startup(), 0);
    assertThat(r.handle(advert(50, 100, PEER), S)).isEmpty();
    assertThat(r.timerDeadlineNanos(TimerName.MASTER_DOWN)).isEqualTo(3_609_375_000L);
  }

  @Test
  @DisplayName("RFC 9568 §6.4.2: without preempt, a lower-priority advert resets the down timer")
  void nopreemptAcceptsLowerAdverts() {
    VirtualRouter r = new VirtualRouter(config(100).toBuilder().noPreempt().build());
    r.handle(new Startup(), 0);
    assertThat(r.handle(advert(50, 100, PEER), S))
        .containsExactly(new ArmTimer(TimerName.MASTER_DOWN, S + 3_609_375_000L));
  }

  @Test
  @DisplayName("fast preempt: a lower-priority advert makes the backup master at once")
  void fastPreemptTakesOverAtOnce() {
    VirtualRouter r = new VirtualRouter(config(100).toBuilder().fastPreempt(true).build());
    r.handle(new Startup(), 0);
    assertThat(r.handle(advert(50, 100, PEER), S))
        .last()
        .isEqualTo(
            new StateChanged(
                VrrpState.BACKUP,
                VrrpState.MASTER,
                "fast preempt: lower priority advert from 198.18.0.2 (prio 50 < 100)",
                100));
  }

  @Test
  @DisplayName("RFC 9568 §6.4.3: a master hearing priority 0 sends an advert at once")
  void masterHearingPriorityZeroSendsAtOnce() {
    VirtualRouter r = master(config(100));
    assertThat(r.handle(advert(0, 100, PEER), 4 * S))
        .containsExactly(
            new SendAdvertisement(Advertisement.v3(51, 100, 100, List.of(VIP))),
            new ArmTimer(TimerName.ADVERTISEMENT, 5 * S));
  }

  @Test
  @DisplayName(
      "RFC 9568 §6.4.3: a master hearing a lower priority sends an advert at once and stays")
  void masterHearingLowerPrioritySendsAtOnce() {
    VirtualRouter r = master(config(100));
    assertThat(r.handle(advert(99, 100, PEER), 4 * S))
        .containsExactly(
            new SendAdvertisement(Advertisement.v3(51, 100, 100, List.of(VIP))),
            new ArmTimer(TimerName.ADVERTISEMENT, 5 * S));
    assertThat(r.handle(advert(100, 100, LOWER_PEER), 4 * S)).hasSize(2);
    assertThat(r.state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  @DisplayName(
      "RFC 9568 §6.4.3: a master hearing a higher priority becomes backup and releases the addresses")
  void masterHearingHigherPriorityStepsDown() {
    VirtualRouter r = master(config(100));
    List<Action> actions = r.handle(advert(101, 200, PEER), 10 * S);
    assertThat(actions)
        .containsExactly(
            new CancelTimer(TimerName.ADVERTISEMENT),
            new RemoveAddresses(List.of(VIP)),
            // learned interval 2 s: 3 × 2 s + 156 × 2 s / 256 = 7.21875 s
            new ArmTimer(TimerName.MASTER_DOWN, 10 * S + 7_218_750_000L),
            new StateChanged(
                VrrpState.MASTER,
                VrrpState.BACKUP,
                "higher priority advert from 198.18.0.2 (prio 101)",
                100));
  }

  @Test
  @DisplayName("RFC 9568 §6.4.3: equal priority and a greater primary address wins")
  void equalPriorityGreaterAddressWins() {
    VirtualRouter r = master(config(100));
    assertThat(r.handle(advert(100, 100, PEER), 10 * S))
        .last()
        .isEqualTo(
            new StateChanged(
                VrrpState.MASTER,
                VrrpState.BACKUP,
                "equal priority advert from greater address 198.18.0.2 (prio 100)",
                100));
  }

  @Test
  @DisplayName("RFC 9568 §6.4.3: shutdown in MASTER sends priority 0 and releases the addresses")
  void shutdownSendsPriorityZero() {
    VirtualRouter r = master(config(100));
    assertThat(r.handle(new Shutdown(), 10 * S))
        .containsExactly(
            new SendAdvertisement(Advertisement.v3(51, 0, 100, List.of(VIP))),
            new CancelTimer(TimerName.ADVERTISEMENT),
            new RemoveAddresses(List.of(VIP)),
            new StateChanged(VrrpState.MASTER, VrrpState.INIT, "shutdown", 100));
  }

  @Test
  @DisplayName("a priority change in BACKUP recomputes the down timer from when it started")
  void priorityChangeInBackupRecomputesDownTimer() {
    VirtualRouter r = new VirtualRouter(config(100));
    r.handle(new Startup(), 0);
    r.handle(advert(200, 100, PEER), S);
    // priority 200: 3 s + 56/256 s = 3.21875 s from 1 s
    assertThat(r.handle(new PriorityChanged(200), 2 * S))
        .containsExactly(new ArmTimer(TimerName.MASTER_DOWN, S + 3_218_750_000L));
  }

  @Test
  @DisplayName("a priority change in MASTER sends an advert at once")
  void priorityChangeInMasterSendsAtOnce() {
    VirtualRouter r = master(config(100));
    assertThat(r.handle(new PriorityChanged(90), 5 * S))
        .containsExactly(
            new SendAdvertisement(Advertisement.v3(51, 90, 100, List.of(VIP))),
            new ArmTimer(TimerName.ADVERTISEMENT, 6 * S));
    assertThat(r.effectivePriority()).isEqualTo(90);
  }

  @Test
  @DisplayName("the owner's priority cannot change; a non-owner cannot reach 255")
  void ownerPriorityIsFixed() {
    assertThatThrownBy(() -> new VirtualRouter(config(255)).handle(new PriorityChanged(200), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("address owner");
    assertThatThrownBy(() -> new VirtualRouter(config(100)).handle(new PriorityChanged(255), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not the address owner");
  }

  @Test
  @DisplayName(
      "FAULT in MASTER sends priority 0, releases addresses, then nothing; cleared leaves to BACKUP")
  void faultInMaster() {
    VirtualRouter r = master(config(100));
    assertThat(r.handle(new FaultRaised("eth0 down"), 10 * S))
        .containsExactly(
            new SendAdvertisement(Advertisement.v3(51, 0, 100, List.of(VIP))),
            new CancelTimer(TimerName.ADVERTISEMENT),
            new RemoveAddresses(List.of(VIP)),
            new StateChanged(VrrpState.MASTER, VrrpState.FAULT, "fault: eth0 down", 100));
    assertThat(r.handle(advert(50, 100, PEER), 11 * S))
        .singleElement()
        .isInstanceOfSatisfying(
            Dropped.class, d -> assertThat(d.reason()).isEqualTo(DropReason.NOT_RUNNING));
    assertThat(r.handle(new PriorityChanged(90), 11 * S)).isEmpty();
    assertThat(r.handle(new FaultCleared(), 12 * S))
        .containsExactly(
            new ArmTimer(
                TimerName.MASTER_DOWN,
                12 * S
                    + TimerIntervals.derive(config(90).version(), 90, 100)
                        .masterDownIntervalNanos()),
            new StateChanged(VrrpState.FAULT, VrrpState.BACKUP, "fault cleared", 90));
  }

  @Test
  @DisplayName("a fault raised before startup starts the router in FAULT")
  void faultBeforeStartup() {
    VirtualRouter r = new VirtualRouter(config(100));
    assertThat(r.handle(new FaultRaised("eth0 down"), 0)).isEmpty();
    assertThat(r.handle(new Startup(), 0))
        .containsExactly(
            new StateChanged(
                VrrpState.INIT, VrrpState.FAULT, "startup with fault: eth0 down", 100));
  }

  @Test
  @DisplayName("impossible events are loud")
  void impossibleEventsThrow() {
    VirtualRouter m = master(config(100));
    assertThatThrownBy(() -> m.handle(new TimerFired(TimerName.MASTER_DOWN), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("master-down timer in MASTER");
    assertThatThrownBy(() -> m.handle(new Startup(), 0)).hasMessage("startup in MASTER");
    assertThatThrownBy(() -> m.handle(new FaultCleared(), 0)).hasMessage("fault cleared in MASTER");
    VirtualRouter init = new VirtualRouter(config(100));
    assertThatThrownBy(() -> init.handle(new Shutdown(), 0)).hasMessage("shutdown in INIT");
    assertThatThrownBy(() -> init.handle(new TimerFired(TimerName.ADVERTISEMENT), 0))
        .hasMessageStartingWith("advertisement timer in INIT");
  }

  @Test
  @DisplayName("policy drops: VRID, version, own advert, each with its reason")
  void policyDrops() {
    VirtualRouter r = new VirtualRouter(config(100));
    r.handle(new Startup(), 0);
    AdvertReceived otherVrid =
        new AdvertReceived(
            new ReceivedAdvertisement(
                Advertisement.v3(52, 100, 100, List.of(VIP)), PEER, ChecksumMode.PSEUDO_HEADER));
    assertThat(r.handle(otherVrid, S))
        .containsExactly(new Dropped(DropReason.VRID, "VRID 52 (expected: 51)"));
    assertThat(r.handle(v2Advert(100, 1, null, PEER), S))
        .first()
        .isEqualTo(
            new Dropped(DropReason.VERSION_MISMATCH, "VRRPv2 from 198.18.0.2 (expected: VRRPv3)"));
    assertThat(r.handle(advert(100, 100, ME), S))
        .containsExactly(
            new Dropped(DropReason.OWN_ADVERTISEMENT, "own advert (source 198.18.0.1)"));
  }

  @Test
  @DisplayName("RFC 3768 §7.1: v2 auth type, password (never printed) and interval must match")
  void v2AuthAndInterval() {
    RouterConfig c =
        RouterConfig.v2("vi_1", 51, 100, 1, List.of(VIP), ME).toBuilder()
            .password("secret12")
            .build();
    VirtualRouter r = new VirtualRouter(c);
    r.handle(new Startup(), 0);
    assertThat(r.handle(v2Advert(200, 1, null, PEER), S))
        .first()
        .isEqualTo(new Dropped(DropReason.AUTH, "auth type NONE from 198.18.0.2 (expected: PASS)"));
    assertThat(r.handle(v2Advert(200, 1, "secret13", PEER), S))
        .containsExactly(new Dropped(DropReason.AUTH, "wrong password from 198.18.0.2"));
    assertThat(r.handle(v2Advert(200, 2, "secret12", PEER), S))
        .containsExactly(
            new Dropped(
                DropReason.INTERVAL_MISMATCH, "interval 2s from 198.18.0.2 (expected: 1s)"));
    // v2 Skew_Time = (256 − 100) / 256 s, whatever the interval
    assertThat(r.handle(v2Advert(200, 1, "secret12", PEER), S))
        .containsExactly(new ArmTimer(TimerName.MASTER_DOWN, S + 3_609_375_000L));
    assertThat(c.toString()).doesNotContain("secret");
  }

  @Test
  @DisplayName(
      "address list mismatch: v2 drops it (unless from the owner), v3 reports it once and goes on")
  void addressListMismatch() {
    VirtualRouter v2 =
        new VirtualRouter(RouterConfig.v2("vi_1", 51, 100, 1, List.of(ip("198.18.0.101")), ME));
    v2.handle(new Startup(), 0);
    assertThat(v2.handle(v2Advert(200, 1, null, PEER), S))
        .first()
        .isInstanceOfSatisfying(
            Dropped.class, d -> assertThat(d.reason()).isEqualTo(DropReason.ADDRESS_LIST_MISMATCH));
    // from the owner it is logged (once) and processed
    assertThat(v2.handle(v2Advert(255, 1, null, PEER), S))
        .hasSize(2)
        .last()
        .isInstanceOf(ArmTimer.class);

    VirtualRouter v3 =
        new VirtualRouter(RouterConfig.v3("vi_1", 51, 100, 100, List.of(ip("198.18.0.101")), ME));
    v3.handle(new Startup(), 0);
    assertThat(v3.handle(advert(200, 100, PEER), S))
        .first()
        .isEqualTo(
            new PeerMisconfigured(
                "addresses [198.18.0.100] from 198.18.0.2 (expected: [198.18.0.101])"));
    assertThat(v3.handle(advert(200, 100, PEER), 2 * S))
        .containsExactly(new ArmTimer(TimerName.MASTER_DOWN, 2 * S + 3_609_375_000L));
  }

  @Test
  @DisplayName(
      "preempt delay runs from startup; until it ends lower adverts are accepted, then discarded")
  void preemptDelayFromStartup() {
    VirtualRouter r = new VirtualRouter(config(200).toBuilder().preemptDelayNanos(10 * S).build());
    assertThat(r.handle(new Startup(), 0))
        .containsExactly(
            new ArmTimer(TimerName.MASTER_DOWN, 3_218_750_000L),
            new ArmTimer(TimerName.PREEMPT_DELAY, 10 * S),
            new StateChanged(VrrpState.INIT, VrrpState.BACKUP, "startup", 200));
    assertThat(r.handle(advert(100, 100, PEER), S))
        .containsExactly(new ArmTimer(TimerName.MASTER_DOWN, S + 3_218_750_000L));
    assertThat(r.handle(new TimerFired(TimerName.PREEMPT_DELAY), 10 * S)).isEmpty();
    assertThat(r.handle(advert(100, 100, PEER), 10 * S + 1)).isEmpty();
  }

  @Test
  @DisplayName("preempt delay: after stepping down, the first lower advert starts the delay")
  void preemptDelayFromFirstLowerAdvert() {
    VirtualRouter r = master(config(200).toBuilder().preemptDelayNanos(10 * S).build());
    r.handle(advert(250, 100, PEER), 20 * S);
    assertThat(r.timerDeadlineNanos(TimerName.PREEMPT_DELAY)).isEqualTo(-1);
    assertThat(r.handle(advert(100, 100, PEER), 21 * S))
        .containsExactly(
            new ArmTimer(TimerName.PREEMPT_DELAY, 31 * S),
            new ArmTimer(TimerName.MASTER_DOWN, 21 * S + 3_218_750_000L));
  }

  @Test
  @DisplayName("RFC 9568 §6.4.2: shutdown in BACKUP cancels Master_Down_Timer and goes to INIT")
  void shutdownInBackupCancelsTheDownTimer() {
    VirtualRouter r = new VirtualRouter(config(100));
    r.handle(new Startup(), 0);
    assertThat(r.handle(new Shutdown(), S))
        .containsExactly(
            new CancelTimer(TimerName.MASTER_DOWN),
            new StateChanged(VrrpState.BACKUP, VrrpState.INIT, "shutdown", 100));
  }

  @Test
  @DisplayName("RFC 9568 §6.4.3: Adver_Timer fires: send an advert and reset Adver_Timer")
  void advertTimerSendsAndRearms() {
    VirtualRouter r = master(config(100));
    long at = r.timerDeadlineNanos(TimerName.ADVERTISEMENT);
    assertThat(r.handle(new TimerFired(TimerName.ADVERTISEMENT), at))
        .containsExactly(
            new SendAdvertisement(Advertisement.v3(51, 100, 100, List.of(VIP))),
            new ArmTimer(TimerName.ADVERTISEMENT, at + S));
  }

  @Test
  @DisplayName(
      "resign-below: the drop below N sends priority 0, releases the addresses and enters BACKUP with the reason")
  void resignBelowSendsPriorityZeroAndStepsDown() {
    VirtualRouter r = master(config(200).toBuilder().resignBelow(150).build());
    List<Action> actions = r.handle(new PriorityChanged(120), 10 * S);
    assertThat(actions)
        .containsExactly(
            new SendAdvertisement(Advertisement.v3(51, 0, 100, List.of(VIP))),
            new CancelTimer(TimerName.ADVERTISEMENT),
            new RemoveAddresses(List.of(VIP)),
            new ArmTimer(TimerName.MASTER_DOWN, 10 * S + 3_531_250_000L),
            new StateChanged(
                VrrpState.MASTER, VrrpState.BACKUP, "priority 120 below resign-below 150", 120));
    assertThat(r.resigned()).isTrue();
    assertThat(r.masterPriority()).isZero();
  }

  @Test
  @DisplayName("resign-below: our own priority-0 or earlier adverts, looped back, are never a peer")
  void resignBelowIgnoresOwnAdverts() {
    VirtualRouter r = master(config(200).toBuilder().resignBelow(150).build());
    r.handle(new PriorityChanged(120), 10 * S);
    long deadline = r.timerDeadlineNanos(TimerName.MASTER_DOWN);
    assertThat(r.handle(advert(0, 100, ME), 10 * S))
        .containsExactly(
            new Dropped(DropReason.OWN_ADVERTISEMENT, "own advert (source 198.18.0.1)"));
    assertThat(r.handle(advert(200, 100, ME), 10 * S + 1))
        .containsExactly(
            new Dropped(DropReason.OWN_ADVERTISEMENT, "own advert (source 198.18.0.1)"));
    // The full Master_Down_Interval still runs: no Skew_Time takeover triggered by ourselves.
    assertThat(r.timerDeadlineNanos(TimerName.MASTER_DOWN)).isEqualTo(deadline);
  }

  @Test
  @DisplayName(
      "resign-below: after resigning, a lower-priority master is accepted, not preempted, until the priority recovers")
  void resignBelowDoesNotPreemptUntilRecovered() {
    VirtualRouter r = master(config(200).toBuilder().resignBelow(150).build());
    r.handle(new PriorityChanged(120), 10 * S);
    r.handle(advert(100, 100, PEER), 11 * S);
    assertThat(r.timerDeadlineNanos(TimerName.MASTER_DOWN)).isEqualTo(11 * S + 3_531_250_000L);
    assertThat(r.masterAddress()).isEqualTo(PEER);

    assertThat(r.handle(new PriorityChanged(150), 12 * S)).isNotEmpty();
    assertThat(r.resigned()).isFalse();
    // Recovered: the lower advert is discarded again, the timer keeps running (preempt).
    assertThat(r.handle(advert(100, 100, PEER), 13 * S)).isEmpty();
  }

  @Test
  @DisplayName(
      "resign-below: a drop that stays at or above N, or a BACKUP's drop, only re-advertises or recomputes timers")
  void resignBelowOnlyOnTheCrossingAsMaster() {
    VirtualRouter m = master(config(200).toBuilder().resignBelow(150).build());
    assertThat(m.handle(new PriorityChanged(150), 10 * S))
        .containsExactly(
            new SendAdvertisement(Advertisement.v3(51, 150, 100, List.of(VIP))),
            new ArmTimer(TimerName.ADVERTISEMENT, 11 * S));
    VirtualRouter b = new VirtualRouter(config(200).toBuilder().resignBelow(150).build());
    b.handle(new Startup(), 0);
    assertThat(b.handle(new PriorityChanged(100), S))
        .containsExactly(new ArmTimer(TimerName.MASTER_DOWN, 3_609_375_000L));
    assertThat(b.resigned()).isFalse();
  }

  @Test
  @DisplayName(
      "RFC 9568 errata 8299: an advert with no addresses (count 0) is dropped, not taken as a master")
  void advertWithNoAddressesIsDropped() {
    VirtualRouter r = new VirtualRouter(config(100));
    r.handle(new Startup(), 0);
    long deadline = r.timerDeadlineNanos(TimerName.MASTER_DOWN);
    AdvertReceived empty =
        new AdvertReceived(
            new ReceivedAdvertisement(
                new Advertisement(
                    org.vrrpagent.core.wire.VrrpVersion.V3,
                    org.vrrpagent.core.wire.AddressFamily.IPV4,
                    51,
                    200,
                    100,
                    List.of(),
                    AuthType.NONE,
                    new byte[0]),
                PEER,
                ChecksumMode.PSEUDO_HEADER));
    assertThat(r.handle(empty, S))
        .first()
        .isEqualTo(
            new Dropped(
                DropReason.ADDRESS_LIST_MISMATCH,
                "no addresses from 198.18.0.2 (expected: at least 1, RFC 9568 errata 8299)"));
    assertThat(r.timerDeadlineNanos(TimerName.MASTER_DOWN)).isEqualTo(deadline);
  }
}
