package org.vrrpagent.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.io.TransportDrops;
import org.vrrpagent.core.wire.ChecksumMode;

/**
 * {@link TakeoverRehearsal}: every rehearsal of a backup is a real takeover of a throwaway router
 * (BACKUP → MASTER, its adverts encoded, its transport's send path run without sending); an owner
 * rehearses its adverts; one binding per VRRP version and address family.
 */
class TakeoverRehearsalTest {
  private static final InetAddress ME4 = InetAddress.ofLiteral("198.18.0.1");
  private static final InetAddress VIP4 = InetAddress.ofLiteral("198.18.0.100");
  private static final InetAddress GROUP4 = InetAddress.ofLiteral("224.0.0.18");
  private static final InetAddress ME6 = InetAddress.ofLiteral("fe80::1");
  private static final InetAddress VIP6 = InetAddress.ofLiteral("fd00:198:18::100");
  private static final InetAddress GROUP6 = InetAddress.ofLiteral("ff02::12");

  /** Counts the rehearsed sends; a real send would be a bug. */
  private static final class CountingTransport implements Transport {
    final InetAddress source;
    int rehearsed;

    CountingTransport(InetAddress source) {
      this.source = source;
    }

    @Override
    public void send(byte[] vrrpMessage, InetAddress destination) {
      throw new AssertionError("a rehearsal sent a packet to " + destination);
    }

    @Override
    public void rehearseSend() {
      rehearsed++;
    }

    @Override
    public InetAddress sourceAddress() {
      return source;
    }

    @Override
    public String interfaceName() {
      return "eth0";
    }

    @Override
    public TransportDrops drops() {
      return new TransportDrops();
    }

    @Override
    public void close() {}
  }

  private static RouterBinding binding(
      RouterConfig config, CountingTransport t, InetAddress vip, List<InetAddress> peers) {
    return new RouterBinding(
        config,
        "eth0",
        "eth0",
        t,
        List.of(new InterfaceAddress(vip, vip.getAddress().length == 4 ? 24 : 64)),
        peers,
        vip.getAddress().length == 4 ? GROUP4 : GROUP6,
        ChecksumMode.PSEUDO_HEADER,
        AnnounceSchedule.KEEPALIVED_DEFAULTS);
  }

  @Test
  void eachRehearsalOfABackupIsATakeover() {
    CountingTransport v3 = new CountingTransport(ME4);
    CountingTransport v2 = new CountingTransport(ME4);
    CountingTransport v6 = new CountingTransport(ME6);
    CountingTransport unicast = new CountingTransport(ME4);
    List<RouterBinding> all =
        List.of(
            binding(RouterConfig.v3("a", 51, 100, 100, List.of(VIP4), ME4), v3, VIP4, List.of()),
            binding(RouterConfig.v2("b", 52, 150, 1, List.of(VIP4), ME4), v2, VIP4, List.of()),
            binding(RouterConfig.v3("c", 53, 254, 100, List.of(VIP6), ME6), v6, VIP6, List.of()));
    assertThat(TakeoverRehearsal.shapes(all))
        .extracting(RouterBinding::name)
        .containsExactly("a", "b", "c");
    assertThat(TakeoverRehearsal.run(all, 50)).isEqualTo(150);
    // Per round: the takeover advert, one advertisement timer, the priority-0 advert at shutdown.
    assertThat(List.of(v3.rehearsed, v2.rehearsed, v6.rehearsed)).containsOnly(150);

    RouterBinding toPeer =
        binding(
            RouterConfig.v3("d", 54, 100, 100, List.of(VIP4), ME4),
            unicast,
            VIP4,
            List.of(InetAddress.ofLiteral("198.18.0.2")));
    assertThat(TakeoverRehearsal.run(List.of(toPeer), 10)).isEqualTo(10);
    assertThat(unicast.rehearsed).isEqualTo(30);
  }

  @Test
  void anOwnerRehearsesItsAdvertsAndOneBindingPerShapeIsEnough() {
    CountingTransport t = new CountingTransport(ME4);
    RouterBinding owner =
        binding(RouterConfig.v3("o", 51, 255, 100, List.of(VIP4), ME4), t, VIP4, List.of());
    RouterBinding second =
        binding(RouterConfig.v3("p", 52, 100, 100, List.of(VIP4), ME4), t, VIP4, List.of());
    assertThat(TakeoverRehearsal.shapes(List.of(owner, second))).containsExactly(owner);
    assertThat(TakeoverRehearsal.run(List.of(owner), 20))
        .as("no takeover: MASTER from the start")
        .isZero();
    // Startup's advert, one advertisement timer, the priority-0 advert at shutdown.
    assertThat(t.rehearsed).isEqualTo(60);
  }
}
