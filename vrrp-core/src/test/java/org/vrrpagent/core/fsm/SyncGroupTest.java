package org.vrrpagent.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.Event.FaultCleared;
import org.vrrpagent.core.fsm.Event.FaultRaised;
import org.vrrpagent.core.fsm.Event.Startup;
import org.vrrpagent.core.fsm.Event.TimerFired;

/** The group's own rules; elections across hosts are in the simulated LAN's scenarios. */
class SyncGroupTest {
  private static final long S = 1_000_000_000L;
  private static final InetAddress ME = VirtualRouterTest.ip("198.18.0.1");

  private static SyncGroup group() {
    return new SyncGroup(
        "dns",
        List.of(
            RouterConfig.v3("a", 10, 100, 100, List.of(VirtualRouterTest.ip("198.18.0.100")), ME),
            RouterConfig.v3("b", 11, 100, 100, List.of(VirtualRouterTest.ip("198.18.0.101")), ME)));
  }

  @Test
  @DisplayName("a member becomes master only when every member would be master, then all together")
  void masterOnlyTogether() {
    SyncGroup g = group();
    g.handleAll(new Startup(), 0);
    // a would be master but b is not ready: a waits silently, with no timer.
    assertThat(g.handle("a", new TimerFired(TimerName.MASTER_DOWN), 3 * S)).isEmpty();
    assertThat(g.member("a").timerDeadlineNanos(TimerName.MASTER_DOWN)).isEqualTo(-1);
    assertThat(g.member("a").state()).isEqualTo(VrrpState.BACKUP);

    var actions = g.handle("b", new TimerFired(TimerName.MASTER_DOWN), 4 * S);
    assertThat(actions).containsOnlyKeys("a", "b");
    assertThat(actions.get("a"))
        .last()
        .isEqualTo(
            new Action.StateChanged(
                VrrpState.BACKUP,
                VrrpState.MASTER,
                "master down timer expired; sync group dns: all members ready",
                100));
    assertThat(g.members()).extracting(VirtualRouter::state).containsOnly(VrrpState.MASTER);
  }

  @Test
  @DisplayName("one member's fault pulls all to FAULT; they leave when no member has its own fault")
  void faultsTravelTogether() {
    SyncGroup g = group();
    g.handleAll(new Startup(), 0);
    g.handle("a", new FaultRaised("eth0 down"), S);
    assertThat(g.members()).extracting(VirtualRouter::state).containsOnly(VrrpState.FAULT);
    assertThat(g.member("b").faultReason()).isEqualTo("sync group dns: a in fault (eth0 down)");

    g.handle("b", new FaultRaised("eth1 down"), 2 * S);
    g.handle("a", new FaultCleared(), 3 * S);
    assertThat(g.members()).extracting(VirtualRouter::state).containsOnly(VrrpState.FAULT);
    assertThat(g.member("a").faultReason()).isEqualTo("sync group dns: b in fault (eth1 down)");

    g.handle("b", new FaultCleared(), 4 * S);
    assertThat(g.members()).extracting(VirtualRouter::state).containsOnly(VrrpState.BACKUP);
  }

  @Test
  void misuseIsLoud() {
    SyncGroup g = group();
    g.handleAll(new Startup(), 0);
    g.handle("a", new FaultRaised("eth0 down"), S);
    assertThatThrownBy(() -> g.handle("b", new FaultCleared(), 2 * S))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("fault cleared for b in FAULT without its own fault");
    assertThatThrownBy(() -> g.handle("c", new Startup(), 0))
        .hasMessage("sync group 'dns' has no member 'c'");
    assertThatThrownBy(() -> new SyncGroup("x", List.of()))
        .hasMessage("sync group 'x' with 0 members (expected: 1..64)");
  }
}
