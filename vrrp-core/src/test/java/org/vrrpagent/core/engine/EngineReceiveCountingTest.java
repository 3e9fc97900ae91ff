package org.vrrpagent.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.PeerConflict;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.io.InMemoryTransport;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.AuthType;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.DropReason;

/**
 * Issue 10 fault 5: {@code advertReceived} (the {@code vrrp_adverts_received_total} counter) counts
 * only adverts the router accepted; drops are counted by reason only. And the conflict alarm
 * reaches listeners and the status once per episode.
 */
class EngineReceiveCountingTest {
  private static final InetAddress ME = InetAddress.ofLiteral("198.18.0.1");
  private static final InetAddress PEER = InetAddress.ofLiteral("198.18.0.2");
  private static final InetAddress VIP = InetAddress.ofLiteral("198.18.0.100");
  private static final InetAddress GROUP = InetAddress.ofLiteral("224.0.0.18");

  private RecordingEngine rec;
  private InMemoryTransport transport;

  private void start(RouterConfig config) {
    rec = new RecordingEngine(ME);
    transport = rec.transport();
    rec.engine.add(
        new RouterBinding(
            config,
            "eth0",
            "eth0",
            transport,
            List.of(new InterfaceAddress(VIP, 24)),
            List.of(),
            GROUP,
            ChecksumMode.PSEUDO_HEADER,
            AnnounceSchedule.KEEPALIVED_DEFAULTS));
    rec.engine.start();
  }

  @AfterEach
  void stop() {
    if (rec != null) {
      rec.shutdown();
    }
  }

  private void inject(Advertisement a, InetAddress from, boolean onLink) {
    byte[] m =
        AdvertisementCodec.encode(
            a,
            from,
            GROUP,
            a.version() == org.vrrpagent.core.wire.VrrpVersion.V2
                ? ChecksumMode.MESSAGE_ONLY
                : ChecksumMode.PSEUDO_HEADER);
    transport.inject(new InboundPacket(m, from, GROUP, 255, System.nanoTime(), onLink));
  }

  @Test
  @DisplayName(
      "dropped adverts (version, auth, interval, hardening) are not counted as received; accepted ones are")
  void countsAcceptedOnly() {
    start(RouterConfig.v3("vi_1", 51, 100, 100, List.of(VIP), ME));
    Advertisement v2 = Advertisement.v2(51, 200, 1, List.of(VIP), AuthType.NONE, new byte[8]);
    for (int i = 0; i < 3; i++) {
      inject(v2, PEER, true);
    }
    inject(Advertisement.v3(51, 200, 4095, List.of(VIP)), PEER, true);
    inject(
        Advertisement.v3(51, 200, 100, List.of(VIP)), InetAddress.ofLiteral("203.0.113.9"), false);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rec.dropped(DropReason.VERSION_MISMATCH) == 3
                    && rec.dropped(DropReason.INTERVAL_TOO_LONG) == 1
                    && rec.dropped(DropReason.SOURCE_NOT_ON_LINK) == 1);
    assertThat(rec.received).hasValue(0);
    inject(Advertisement.v3(51, 200, 100, List.of(VIP)), PEER, true);
    inject(Advertisement.v3(51, 200, 100, List.of(VIP)), PEER, true);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAtomic(rec.received, org.hamcrest.Matchers.equalTo(2));
    // One conflict episode with the peer (version, then interval: the same episode), raised once.
    assertThat(rec.conflicts).singleElement().extracting(PeerConflict::peer).isEqualTo(PEER);
    RouterStatus status = rec.engine.status().getFirst();
    assertThat(status.conflicts())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.peer()).isEqualTo(PEER);
              assertThat(c.adverts()).isEqualTo(4);
            });
  }
}
