package org.vrrpagent.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.HmacTrailer;
import org.vrrpagent.core.wire.MalformedAdvertisementException;

/**
 * Replay protection of the hmac-sha256 adverts, on a fake clock: sequences only go up; a repeated
 * or older advert is hmac_replay; one outside the window of our clock is hmac_stale; neither a
 * restarted sender nor a restarted receiver is locked out.
 */
class AdvertAuthenticatorTest {
  static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static final InetAddress A = InetAddress.ofLiteral("198.18.1.1");
  static final InetAddress B = InetAddress.ofLiteral("198.18.2.2");
  static final InetAddress C = InetAddress.ofLiteral("198.18.3.3");
  static final long T0 = 1_800_000_000_000_000L; // microseconds since the epoch

  final AtomicLong senderClock = new AtomicLong(T0);
  final AtomicLong receiverClock = new AtomicLong(T0);

  AdvertAuthenticator sender(AtomicLong clock) {
    return new AdvertAuthenticator(
        new HmacAuth(SECRET, Duration.ofSeconds(30), clock::get), List.of(B));
  }

  AdvertAuthenticator receiver() {
    return new AdvertAuthenticator(
        new HmacAuth(SECRET, Duration.ofSeconds(30), receiverClock::get), List.of(A, C));
  }

  static byte[] advert(AdvertAuthenticator sender) {
    byte[] m =
        AdvertisementCodec.encode(
            Advertisement.v3(10, 200, 100, List.of(A)), A, B, ChecksumMode.PSEUDO_HEADER);
    byte[] p = Arrays.copyOf(m, AdvertAuthenticator.signedLength(m.length));
    sender.sign(p, A.getAddress(), B.getAddress());
    return p;
  }

  static InboundPacket from(InetAddress source, byte[] p) {
    return new InboundPacket(p.clone(), source, B, 255, 0, false);
  }

  static Object verify(AdvertAuthenticator r, InboundPacket p) {
    try {
      return r.verify(p);
    } catch (MalformedAdvertisementException e) {
      return e.reason();
    }
  }

  @Test
  @DisplayName("sequences only go up, even when the clock stands still or goes back")
  void sequencesOnlyGoUp() {
    AdvertAuthenticator s = sender(senderClock);
    long first = HmacTrailer.sequence(advert(s), 56);
    long second = HmacTrailer.sequence(advert(s), 56); // the same microsecond
    senderClock.addAndGet(-5_000_000); // the clock steps back 5 s
    long third = HmacTrailer.sequence(advert(s), 56);
    assertThat(first).isEqualTo(T0);
    assertThat(second).isEqualTo(T0 + 1);
    assertThat(third).isEqualTo(T0 + 2);
  }

  @Test
  @DisplayName("each new advert is accepted; the same one again, or an older one, is hmac_replay")
  void replay() {
    AdvertAuthenticator s = sender(senderClock);
    AdvertAuthenticator r = receiver();
    byte[] one = advert(s);
    senderClock.addAndGet(1_000_000);
    byte[] two = advert(s);
    assertThat(verify(r, from(A, one))).isEqualTo(12);
    assertThat(verify(r, from(A, one))).isEqualTo(DropReason.HMAC_REPLAY);
    assertThat(verify(r, from(A, two))).isEqualTo(12);
    assertThat(verify(r, from(A, two))).isEqualTo(DropReason.HMAC_REPLAY);
    assertThat(verify(r, from(A, one))).isEqualTo(DropReason.HMAC_REPLAY); // reordered / old
  }

  @Test
  @DisplayName("outside the replay window of our clock: hmac_stale, either way")
  void window() {
    AdvertAuthenticator s = sender(senderClock);
    AdvertAuthenticator r = receiver();
    byte[] old = advert(s);
    receiverClock.addAndGet(31_000_000); // we are 31 s later: the advert is older than 30 s
    assertThat(verify(r, from(A, old))).isEqualTo(DropReason.HMAC_STALE);
    receiverClock.set(T0 - 31_000_000); // our clock 31 s behind the sender's
    assertThat(verify(r, from(A, old))).isEqualTo(DropReason.HMAC_STALE);
    receiverClock.set(T0 + 29_000_000); // within 30 s: accepted
    assertThat(verify(r, from(A, old))).isEqualTo(12);
  }

  @Test
  @DisplayName(
      "a restarted receiver takes the next advert; a restarted sender is not locked out; only an"
          + " advert younger than the window can be replayed to a restarted receiver")
  void restarts() {
    AdvertAuthenticator s = sender(senderClock);
    AdvertAuthenticator r = receiver();
    byte[] captured = advert(s);
    assertThat(verify(r, from(A, captured))).isEqualTo(12);
    senderClock.addAndGet(1_000_000);
    receiverClock.addAndGet(1_000_000);
    // The sender restarts: it has no memory of its last sequence, but its clock went on.
    AdvertAuthenticator restarted = sender(senderClock);
    assertThat(verify(r, from(A, advert(restarted)))).isEqualTo(12);
    // The receiver restarts: the captured advert (1 s old) is accepted once...
    AdvertAuthenticator fresh = receiver();
    assertThat(verify(fresh, from(A, captured))).isEqualTo(12);
    assertThat(verify(fresh, from(A, captured))).isEqualTo(DropReason.HMAC_REPLAY);
    // ...and the genuine adverts go on.
    senderClock.addAndGet(1_000_000);
    assertThat(verify(fresh, from(A, advert(restarted)))).isEqualTo(12);
    // After the window, a restarted receiver refuses the captured one.
    receiverClock.addAndGet(60_000_000);
    assertThat(verify(receiver(), from(A, captured))).isEqualTo(DropReason.HMAC_STALE);
  }

  @Test
  @DisplayName("replay state is per peer; a source that is no peer is unknown_peer")
  void perPeer() {
    AdvertAuthenticator r = receiver();
    byte[] fromA = advert(sender(senderClock));
    assertThat(verify(r, from(A, fromA))).isEqualTo(12);
    // The same bytes claimed by C: the HMAC covers the source address.
    assertThat(verify(r, from(C, fromA))).isEqualTo(DropReason.HMAC_MISMATCH);
    assertThat(verify(r, from(InetAddress.ofLiteral("198.18.9.9"), fromA)))
        .isEqualTo(DropReason.UNKNOWN_PEER);
  }

  @Test
  @DisplayName("a short secret is refused")
  void shortSecret() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new HmacAuth(new byte[31], Duration.ofSeconds(30), receiverClock::get))
        .withMessage("secret of 31 bytes (expected: at least 32)");
  }
}
