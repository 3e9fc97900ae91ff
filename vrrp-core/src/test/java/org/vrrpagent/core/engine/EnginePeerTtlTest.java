package org.vrrpagent.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.ReceivePolicy;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.io.InMemoryTransport;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.TtlWindow;

/**
 * Unicast peers across routers: an advert from a peer with a {@code min-ttl}..{@code max-ttl}
 * window is accepted inside it and dropped ({@link DropReason#PEER_TTL}) outside; a peer without a
 * window still needs the RFC's 255 ({@link DropReason#TTL}).
 */
class EnginePeerTtlTest {
  private static final InetAddress ME = InetAddress.ofLiteral("198.18.1.1");
  private static final InetAddress FAR = InetAddress.ofLiteral("198.18.2.2");
  private static final InetAddress NEAR = InetAddress.ofLiteral("198.18.1.2");
  private static final InetAddress VIP = InetAddress.ofLiteral("198.18.1.100");

  private RecordingEngine rec;
  private InMemoryTransport transport;

  @AfterEach
  void stop() {
    if (rec != null) {
      rec.shutdown();
    }
  }

  private void start(Map<InetAddress, TtlWindow> windows) {
    rec = new RecordingEngine(ME);
    transport = rec.transport();
    rec.engine.add(
        new RouterBinding(
            RouterConfig.v3("www", 10, 100, 100, List.of(VIP), ME).toBuilder()
                .receive(ReceivePolicy.unicast(0))
                .build(),
            "eth0",
            "eth0",
            transport,
            List.of(new InterfaceAddress(VIP, 24)),
            List.of(FAR, NEAR),
            InetAddress.ofLiteral("224.0.0.18"),
            ChecksumMode.PSEUDO_HEADER,
            AnnounceSchedule.KEEPALIVED_DEFAULTS,
            java.util.Optional.empty(),
            windows,
            java.util.Optional.empty()));
    rec.engine.start();
  }

  private void inject(InetAddress from, int ttl) {
    byte[] m =
        AdvertisementCodec.encode(
            Advertisement.v3(10, 200, 100, List.of(VIP)), from, ME, ChecksumMode.PSEUDO_HEADER);
    transport.inject(new InboundPacket(m, from, ME, ttl, System.nanoTime(), false));
  }

  @Test
  @DisplayName("a peer's window admits its routed adverts; outside it they are dropped as peer_ttl")
  void windowPerPeer() {
    start(Map.of(FAR, new TtlWindow(240, 254)));
    inject(FAR, 253); // two routers away: accepted
    inject(FAR, 254);
    await().atMost(Duration.ofSeconds(10)).until(() -> rec.received.get() == 2);
    inject(FAR, 239); // too many hops
    inject(FAR, 255); // above its max-ttl
    inject(NEAR, 254); // no window: the RFC's 255
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rec.dropped(DropReason.PEER_TTL) == 2 && rec.dropped(DropReason.TTL) == 1);
    assertThat(rec.dropDetails)
        .contains(
            "from 198.18.2.2: TTL 239 (expected: 240..254, the peer's min-ttl..max-ttl)",
            "from 198.18.1.2: TTL 254 (expected: 255)");
    inject(NEAR, 255);
    await().atMost(Duration.ofSeconds(10)).until(() -> rec.received.get() == 3);
  }

  @Test
  @DisplayName("without windows nothing changes: 255 exact")
  void defaultIsTheRfc() {
    start(Map.of());
    inject(FAR, 254);
    inject(FAR, 255);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rec.dropped(DropReason.TTL) == 1 && rec.received.get() == 1);
    assertThat(rec.dropped(DropReason.PEER_TTL)).isZero();
  }
}
