package org.vrrpagent.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.ReceivePolicy;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.io.InMemoryTransport;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.HmacTrailer;

/**
 * The engine with hmac-sha256: the adverts it sends carry a trailer that verifies with the shared
 * secret and a sequence that goes up; received adverts are verified before they are decoded, and a
 * plain, wrongly signed or replayed one is dropped by reason and never reaches the state machine (a
 * higher priority from it does not make the master step down).
 */
class EngineHmacTest {
  static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static final InetAddress ME = InetAddress.ofLiteral("198.18.1.1");
  static final InetAddress PEER = InetAddress.ofLiteral("198.18.2.2");
  static final InetAddress VIP = InetAddress.ofLiteral("198.18.1.100");

  RecordingEngine rec;
  InMemoryTransport transport;

  @AfterEach
  void stop() {
    if (rec != null) {
      rec.shutdown();
    }
  }

  void start(int priority) {
    rec = new RecordingEngine(ME);
    transport = rec.transport();
    rec.engine.add(
        new RouterBinding(
            RouterConfig.v3("www", 10, priority, 100, List.of(VIP), ME).toBuilder()
                .receive(ReceivePolicy.unicast(0))
                .build(),
            "eth0",
            "eth0",
            transport,
            List.of(new InterfaceAddress(VIP, 24)),
            List.of(PEER),
            InetAddress.ofLiteral("224.0.0.18"),
            ChecksumMode.PSEUDO_HEADER,
            AnnounceSchedule.KEEPALIVED_DEFAULTS,
            Optional.empty(),
            Map.of(),
            Optional.of(
                new HmacAuth(SECRET, Duration.ofSeconds(30), HmacAuth::systemEpochMicros))));
    rec.engine.start();
  }

  static Mac mac(byte[] secret) throws Exception {
    Mac m = Mac.getInstance(HmacTrailer.ALGORITHM);
    m.init(new SecretKeySpec(secret, HmacTrailer.ALGORITHM));
    return m;
  }

  /** An advert from the peer at {@code priority}, signed with {@code secret} (null: plain). */
  static byte[] advert(int priority, byte[] secret, long sequence) throws Exception {
    byte[] m =
        AdvertisementCodec.encode(
            Advertisement.v3(10, priority, 100, List.of(VIP)),
            PEER,
            ME,
            ChecksumMode.PSEUDO_HEADER);
    if (secret == null) {
      return m;
    }
    byte[] p = Arrays.copyOf(m, m.length + HmacTrailer.BYTES);
    HmacTrailer.sign(mac(secret), p, m.length, PEER.getAddress(), ME.getAddress(), sequence);
    return p;
  }

  void inject(byte[] p) {
    transport.inject(new InboundPacket(p, PEER, ME, 255, System.nanoTime(), false));
  }

  VrrpState state() {
    return rec.engine.status().getFirst().state();
  }

  @Test
  @DisplayName("sent adverts carry a trailer that verifies, with sequences that go up")
  void sends() throws Exception {
    start(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> transport.sent().size() >= 2);
    List<InMemoryTransport.Sent> sent = transport.sent();
    long last = 0;
    for (InMemoryTransport.Sent s : sent.subList(0, 2)) {
      byte[] p = s.vrrpMessage();
      assertThat(s.destination()).isEqualTo(PEER);
      int length =
          HmacTrailer.verify(
              mac(SECRET), p, p.length, ME.getAddress(), PEER.getAddress(), new byte[32]);
      assertThat(length).isEqualTo(12);
      long sequence = HmacTrailer.sequence(p, p.length);
      assertThat(sequence).isGreaterThan(last);
      last = sequence;
    }
  }

  @Test
  @DisplayName(
      "a higher priority that is plain, wrongly signed or replayed is dropped by reason; the master"
          + " stays master; a genuine one is heard")
  void receives() throws Exception {
    start(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> state() == VrrpState.MASTER);
    long now = HmacAuth.systemEpochMicros();
    byte[] wrong = SECRET.clone();
    wrong[5] ^= 0x20;
    inject(advert(250, null, 0));
    inject(advert(250, wrong, now));
    byte[] genuineLow = advert(100, SECRET, now);
    inject(genuineLow);
    await().atMost(Duration.ofSeconds(10)).until(() -> rec.received.get() == 1);
    inject(genuineLow); // the same again: a replay
    inject(advert(250, SECRET, now - 60_000_000)); // a minute old
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rec.dropped(DropReason.HMAC_MISSING) == 1
                    && rec.dropped(DropReason.HMAC_MISMATCH) == 1
                    && rec.dropped(DropReason.HMAC_REPLAY) == 1
                    && rec.dropped(DropReason.HMAC_STALE) == 1);
    assertThat(state()).isEqualTo(VrrpState.MASTER);
    assertThat(rec.received.get()).isEqualTo(1);
    // The peer without a trailer raised the conflict alarm (one episode per peer: the later
    // mismatch and stale drops belong to it); a replay alone would not have.
    assertThat(rec.conflicts).hasSize(1);
    assertThat(rec.conflicts.getFirst().peer()).isEqualTo(PEER);
    assertThat(rec.conflicts.getFirst().differs())
        .isEqualTo("authentication (no hmac-sha256 trailer)");
    // A genuine higher priority: the master steps down.
    inject(advert(250, SECRET, HmacAuth.systemEpochMicros()));
    await().atMost(Duration.ofSeconds(10)).until(() -> state() == VrrpState.BACKUP);
  }
}
