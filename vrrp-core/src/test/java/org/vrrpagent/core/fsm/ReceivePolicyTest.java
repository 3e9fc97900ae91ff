package org.vrrpagent.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vrrpagent.core.fsm.VirtualRouterTest.ip;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.Action.Dropped;
import org.vrrpagent.core.fsm.Event.AdvertReceived;
import org.vrrpagent.core.fsm.Event.Startup;
import org.vrrpagent.core.fsm.Event.TimerFired;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.ReceivedAdvertisement;

/**
 * Receive hardening (issue 10 fault 8): each spoof variant is dropped with its own reason and
 * changes nothing: no state change, no timer, no learned interval, no conflict.
 */
class ReceivePolicyTest {
  private static final long S = 1_000_000_000L;
  private static final InetAddress VIP = ip("198.18.0.100");
  private static final InetAddress ME = ip("198.18.0.1");
  private static final InetAddress PEER = ip("198.18.0.2");
  private static final InetAddress GROUP = ip("224.0.0.18");
  private static final InetAddress VIP6 = ip("fd00:198:18::100");
  private static final InetAddress ME6 = ip("fe80::1");

  private static VirtualRouter master(RouterConfig config) {
    VirtualRouter r = new VirtualRouter(config);
    r.handle(new Startup(), 0);
    r.handle(new TimerFired(TimerName.MASTER_DOWN), r.timerDeadlineNanos(TimerName.MASTER_DOWN));
    assertThat(r.state()).isEqualTo(VrrpState.MASTER);
    return r;
  }

  private static AdvertReceived spoof(
      int priority, int intervalCentis, InetAddress from, InetAddress to, boolean onLink) {
    return new AdvertReceived(
        new ReceivedAdvertisement(
            Advertisement.v3(
                51, priority, intervalCentis, List.of(from.getAddress().length == 4 ? VIP : VIP6)),
            from,
            ChecksumMode.PSEUDO_HEADER,
            to,
            onLink));
  }

  private static void assertRefused(
      VirtualRouter r, AdvertReceived advert, DropReason reason, String detail) {
    long advertTimer = r.timerDeadlineNanos(TimerName.ADVERTISEMENT);
    assertThat(r.handle(advert, 5 * S)).containsExactly(new Dropped(reason, detail));
    assertThat(r.state()).isEqualTo(VrrpState.MASTER);
    assertThat(r.timerDeadlineNanos(TimerName.ADVERTISEMENT)).isEqualTo(advertTimer);
    assertThat(r.masterAdvertIntervalCentis()).isEqualTo(100);
    assertThat(r.conflicts()).isEmpty();
  }

  @Test
  @DisplayName(
      "multicast mode: an advert to a unicast destination is dropped (unicast_destination)")
  void unicastDestination() {
    VirtualRouter r = master(RouterConfig.v3("vi_1", 51, 100, 100, List.of(VIP), ME));
    assertRefused(
        r,
        spoof(250, 100, PEER, ME, true),
        DropReason.UNICAST_DESTINATION,
        "advert from 198.18.0.2 to 198.18.0.1 (expected: the VRRP group; this instance has no unicast peers)");
  }

  @Test
  @DisplayName(
      "multicast mode, IPv4: a source in no subnet of the interface is dropped (source_not_on_link); on-link-only off accepts it")
  void offLinkSource() {
    RouterConfig c = RouterConfig.v3("vi_1", 51, 100, 100, List.of(VIP), ME);
    assertRefused(
        master(c),
        spoof(250, 100, ip("203.0.113.9"), GROUP, false),
        DropReason.SOURCE_NOT_ON_LINK,
        "advert from 203.0.113.9 (expected: a source in a subnet of the interface; on-link-only: false accepts it)");
    VirtualRouter lax =
        master(c.toBuilder().receive(new ReceivePolicy(true, false, 0, Set.of())).build());
    lax.handle(spoof(250, 100, ip("203.0.113.9"), GROUP, false), 5 * S);
    assertThat(lax.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  @DisplayName(
      "RFC 9568 §5.1.2.1: multicast mode, IPv6: a source that is not link-local is dropped (source_not_link_local)")
  void ipv6SourceMustBeLinkLocal() {
    VirtualRouter r = master(RouterConfig.v3("vi_1", 51, 100, 100, List.of(VIP6), ME6));
    assertRefused(
        r,
        spoof(250, 100, ip("fd00:198:18::2"), ip("ff02::12"), true),
        DropReason.SOURCE_NOT_LINK_LOCAL,
        "advert from fd00:198:18::2 (expected: a link-local source, fe80::/10, RFC 9568 §5.1.2.1)");
    r.handle(spoof(250, 100, ip("fe80::2"), ip("ff02::12"), true), 6 * S);
    assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  @DisplayName("multicast mode with accept-from: other sources are dropped (source_not_allowed)")
  void allowList() {
    RouterConfig c =
        RouterConfig.v3("vi_1", 51, 100, 100, List.of(VIP), ME).toBuilder()
            .receive(new ReceivePolicy(true, true, 0, Set.of(ip("198.18.0.3"))))
            .build();
    VirtualRouter r = master(c);
    assertRefused(
        r,
        spoof(250, 100, PEER, GROUP, true),
        DropReason.SOURCE_NOT_ALLOWED,
        "advert from 198.18.0.2 (expected: one of accept-from [198.18.0.3])");
    r.handle(spoof(250, 100, ip("198.18.0.3"), GROUP, true), 6 * S);
    assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  @DisplayName(
      "one advert with interval 40.95 s and priority 250 is not learned (interval_too_long): the master stays")
  void intervalCap() {
    VirtualRouter r = master(RouterConfig.v3("vi_1", 51, 100, 100, List.of(VIP), ME));
    assertThat(r.handle(spoof(250, 4095, PEER, GROUP, true), 5 * S))
        .first()
        .isEqualTo(
            new Dropped(
                DropReason.INTERVAL_TOO_LONG,
                "interval 40950ms from 198.18.0.2 (expected: at most 4s, max-learned-interval)"));
    assertThat(r.state()).isEqualTo(VrrpState.MASTER);
    assertThat(r.masterAdvertIntervalCentis()).isEqualTo(100);
    // A real peer that slow is a conflict worth an alarm.
    assertThat(r.conflicts())
        .singleElement()
        .extracting(PeerConflict::reason)
        .isEqualTo(DropReason.INTERVAL_TOO_LONG);
    // At the cap it is learned.
    r.handle(spoof(250, 400, PEER, GROUP, true), 6 * S);
    assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(r.masterAdvertIntervalCentis()).isEqualTo(400);
  }

  @Test
  @DisplayName("the default cap is 4 × our interval, at most 40.95 s; a configured one wins")
  void capDefaults() {
    assertThat(ReceivePolicy.DEFAULT.maxLearnedIntervalCentis(100)).isEqualTo(400);
    assertThat(ReceivePolicy.DEFAULT.maxLearnedIntervalCentis(2000)).isEqualTo(4095);
    assertThat(new ReceivePolicy(true, true, 250, Set.of()).maxLearnedIntervalCentis(100))
        .isEqualTo(250);
    assertThatThrownBy(() -> new ReceivePolicy(false, true, 0, Set.of(PEER)))
        .hasMessageContaining("unicast peers are the allow-list");
  }

  @Test
  @DisplayName(
      "unicast mode: the source checks are the transport's (peers only); the interval cap still applies")
  void unicastMode() {
    RouterConfig c =
        RouterConfig.v3("vi_1", 51, 100, 100, List.of(VIP), ME).toBuilder()
            .receive(ReceivePolicy.unicast(0))
            .build();
    VirtualRouter r = master(c);
    assertThat(r.handle(spoof(250, 4095, ip("203.0.113.9"), ME, false), 5 * S))
        .first()
        .extracting(a -> ((Dropped) a).reason())
        .isEqualTo(DropReason.INTERVAL_TOO_LONG);
    r.handle(spoof(250, 100, ip("203.0.113.9"), ME, false), 6 * S);
    assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
  }
}
