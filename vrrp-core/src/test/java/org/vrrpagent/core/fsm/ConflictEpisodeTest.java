package org.vrrpagent.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.core.fsm.VirtualRouterTest.advert;
import static org.vrrpagent.core.fsm.VirtualRouterTest.ip;
import static org.vrrpagent.core.fsm.VirtualRouterTest.v2Advert;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.Action.ArmTimer;
import org.vrrpagent.core.fsm.Action.ConflictCleared;
import org.vrrpagent.core.fsm.Action.ConflictRaised;
import org.vrrpagent.core.fsm.Action.Dropped;
import org.vrrpagent.core.fsm.Event.Shutdown;
import org.vrrpagent.core.fsm.Event.Startup;
import org.vrrpagent.core.fsm.Event.TimerFired;
import org.vrrpagent.core.wire.DropReason;

/** The conflict alarm's episodes (one per peer, ended by a quiet period), on injected time. */
class ConflictEpisodeTest {
  private static final long S = 1_000_000_000L;
  private static final InetAddress VIP = ip("198.18.0.100");
  private static final InetAddress ME = ip("198.18.0.1");
  private static final InetAddress PEER = ip("198.18.0.2");
  private static final InetAddress OTHER = ip("198.18.0.3");

  /** 3 × Master_Down_Interval for priority 100, 1 s: 3 × 3.609375 s. */
  private static final long QUIET = 10_828_125_000L;

  private static VirtualRouter started() {
    VirtualRouter r = new VirtualRouter(RouterConfig.v3("vi_1", 51, 100, 100, List.of(VIP), ME));
    r.handle(new Startup(), 0);
    return r;
  }

  @Test
  @DisplayName("the quiet period is 3 × Master_Down_Interval of our own configuration")
  void quietPeriod() {
    assertThat(
            VirtualRouter.conflictQuietNanos(
                RouterConfig.v3("vi_1", 51, 100, 100, List.of(VIP), ME)))
        .isEqualTo(QUIET);
  }

  @Test
  @DisplayName(
      "a VRRPv2 peer beside our v3: one ConflictRaised, drops counted per packet, cleared after the quiet period")
  void oneEpisodePerPeer() {
    VirtualRouter r = started();
    long downDeadline = r.timerDeadlineNanos(TimerName.MASTER_DOWN);
    List<Action> first = r.handle(v2Advert(100, 1, null, PEER), S);
    Dropped drop =
        new Dropped(DropReason.VERSION_MISMATCH, "VRRPv2 from 198.18.0.2 (expected: VRRPv3)");
    assertThat(first)
        .containsExactly(
            drop,
            new ConflictRaised(
                new PeerConflict(PEER, DropReason.VERSION_MISMATCH, drop.detail(), S, S, 1)),
            new ArmTimer(TimerName.CONFLICT_QUIET, S + QUIET));
    assertThat(r.conflicts())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.peer()).isEqualTo(PEER);
              assertThat(c.differs()).isEqualTo("VRRP version");
            });
    // Every further advert is dropped and counted, but raises nothing.
    for (int t = 2; t <= 5; t++) {
      assertThat(r.handle(v2Advert(100, 1, null, PEER), t * S)).containsExactly(drop);
    }
    // No state change from the peer's adverts: the down timer is untouched.
    assertThat(r.timerDeadlineNanos(TimerName.MASTER_DOWN)).isEqualTo(downDeadline);
    assertThat(r.conflicts().getFirst().adverts()).isEqualTo(5);
    assertThat(r.conflicts().getFirst().sinceNanos()).isEqualTo(S);
    // The timer fires while the peer is still talking (last advert at 5 s): re-armed, nothing
    // cleared.
    assertThat(r.handle(new TimerFired(TimerName.CONFLICT_QUIET), S + QUIET))
        .containsExactly(new ArmTimer(TimerName.CONFLICT_QUIET, 5 * S + QUIET));
    assertThat(r.conflicts()).hasSize(1);
    // Quiet since 5 s: the episode ends, once.
    List<Action> ended = r.handle(new TimerFired(TimerName.CONFLICT_QUIET), 5 * S + QUIET);
    assertThat(ended)
        .singleElement()
        .isInstanceOfSatisfying(
            ConflictCleared.class,
            c -> {
              assertThat(c.conflict().peer()).isEqualTo(PEER);
              assertThat(c.conflict().adverts()).isEqualTo(5);
            });
    assertThat(r.conflicts()).isEmpty();
    assertThat(r.timerDeadlineNanos(TimerName.CONFLICT_QUIET)).isEqualTo(-1);
    // The peer comes back: a new episode.
    assertThat(r.handle(v2Advert(100, 1, null, PEER), 30 * S))
        .hasAtLeastOneElementOfType(ConflictRaised.class);
  }

  @Test
  @DisplayName("two peers: two episodes, each ends on its own quiet period")
  void twoPeers() {
    VirtualRouter r = started();
    r.handle(v2Advert(100, 1, null, PEER), S);
    List<Action> second = r.handle(v2Advert(100, 1, null, OTHER), 2 * S);
    // The quiet timer is already armed (for the first peer): not armed again.
    assertThat(second).hasSize(2).last().isInstanceOf(ConflictRaised.class);
    assertThat(r.conflicts()).extracting(PeerConflict::peer).containsExactly(PEER, OTHER);
    assertThat(r.handle(new TimerFired(TimerName.CONFLICT_QUIET), S + QUIET))
        .containsExactly(
            new ConflictCleared(
                new PeerConflict(
                    PEER,
                    DropReason.VERSION_MISMATCH,
                    "VRRPv2 from 198.18.0.2 (expected: VRRPv3)",
                    S,
                    S,
                    1)),
            new ArmTimer(TimerName.CONFLICT_QUIET, 2 * S + QUIET));
    assertThat(r.conflicts()).extracting(PeerConflict::peer).containsExactly(OTHER);
  }

  @Test
  @DisplayName(
      "v2 auth and interval differences are conflicts; a v3 address-list difference is not (accepted, reported)")
  void whichDropsAreConflicts() {
    VirtualRouter v2 =
        new VirtualRouter(
            RouterConfig.v2("vi_1", 51, 100, 1, List.of(VIP), ME).toBuilder()
                .password("secret12")
                .build());
    v2.handle(new Startup(), 0);
    assertThat(v2.handle(v2Advert(100, 1, "wrong123", PEER), S))
        .hasAtLeastOneElementOfType(ConflictRaised.class);
    assertThat(v2.conflicts().getFirst().differs()).isEqualTo("authentication");
    assertThat(v2.handle(v2Advert(100, 2, "secret12", OTHER), S))
        .hasAtLeastOneElementOfType(ConflictRaised.class);
    assertThat(v2.conflicts().get(1).differs()).isEqualTo("advert interval");

    VirtualRouter v3 =
        new VirtualRouter(RouterConfig.v3("vi_1", 51, 100, 100, List.of(ip("198.18.0.101")), ME));
    v3.handle(new Startup(), 0);
    assertThat(v3.handle(advert(200, 100, PEER), S))
        .doesNotHaveAnyElementsOfTypes(ConflictRaised.class);
    assertThat(v3.conflicts()).isEmpty();
    // Not a conflict either: another VRID, our own advert.
    VirtualRouter r = started();
    r.handle(advert(100, 100, ME), S);
    assertThat(r.conflicts()).isEmpty();
  }

  @Test
  @DisplayName("the master keeps its role and raises the alarm: the split brain is visible")
  void masterInConflict() {
    VirtualRouter r = started();
    r.handle(new TimerFired(TimerName.MASTER_DOWN), r.timerDeadlineNanos(TimerName.MASTER_DOWN));
    assertThat(r.state()).isEqualTo(VrrpState.MASTER);
    assertThat(r.handle(v2Advert(200, 1, null, PEER), 5 * S))
        .hasAtLeastOneElementOfType(ConflictRaised.class);
    assertThat(r.state()).isEqualTo(VrrpState.MASTER);
    assertThat(r.conflicts()).hasSize(1);
  }

  @Test
  @DisplayName("stopping forgets the episodes and cancels the quiet timer")
  void shutdownClears() {
    VirtualRouter r = started();
    r.handle(v2Advert(100, 1, null, PEER), S);
    assertThat(r.handle(new Shutdown(), 2 * S))
        .contains(new Action.CancelTimer(TimerName.CONFLICT_QUIET));
    assertThat(r.conflicts()).isEmpty();
  }

  @Test
  @DisplayName("at most MAX_PEERS episodes; further peers are dropped and counted, not tracked")
  void boundedPeers() {
    PeerConflicts c = new PeerConflicts(QUIET);
    for (int i = 0; i < PeerConflicts.MAX_PEERS; i++) {
      assertThat(c.observe(ip("198.18.1." + i), DropReason.AUTH, "x", i)).isNotNull();
    }
    assertThat(c.observe(ip("198.18.2.1"), DropReason.AUTH, "x", 99)).isNull();
    assertThat(c.current()).hasSize(PeerConflicts.MAX_PEERS);
    assertThat(c.nextExpiryNanos()).isEqualTo(QUIET);
    assertThat(c.expire(QUIET + 5)).hasSize(6);
  }
}
