package org.vrrpagent.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.HmacTrailer;
import org.vrrpagent.core.wire.MalformedAdvertisementException;

/**
 * Fuzzes the hmac-sha256 advert trailer ({@link HmacTrailer}) behind its verifier ({@link
 * AdvertAuthenticator}), IPv4 and IPv6. Properties: verifying any bytes from any source returns the
 * length of the VRRP message before a trailer or throws {@link MalformedAdvertisementException}
 * with one of the authenticator's drop reasons and an "(expected: …)" (never anything else); a
 * message signed by a peer with the same secret verifies, with its VRRP message unchanged, unless
 * its clock is outside the replay window ({@link DropReason#HMAC_STALE}); the same advert again is
 * {@link DropReason#HMAC_REPLAY}; and any single-byte change of a signed advert is rejected.
 *
 * <p>{@code ./mvnw test} replays the corpus in {@code
 * src/test/resources/org/vrrpagent/core/engine/AdvertAuthenticatorFuzzTestInputs/}; to fuzz: {@code
 * JAZZER_FUZZ=1 ./mvnw -pl vrrp-core -am test -Dtest=AdvertAuthenticatorFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class AdvertAuthenticatorFuzzTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final long T0 = 1_800_000_000_000_000L; // microseconds since the epoch
  private static final Duration WINDOW = Duration.ofSeconds(30);
  private static final long WINDOW_MICROS = 30_000_000L;

  /** Per family: the peer, us, and a host that is no peer. */
  private static final InetAddress[] PEER = {
    InetAddress.ofLiteral("198.18.0.9"), InetAddress.ofLiteral("fd00:198:18::9")
  };

  private static final InetAddress[] US = {
    InetAddress.ofLiteral("198.18.0.1"), InetAddress.ofLiteral("fd00:198:18::1")
  };
  private static final InetAddress[] STRANGER = {
    InetAddress.ofLiteral("198.18.0.66"), InetAddress.ofLiteral("fd00:198:18::66")
  };

  private static final Set<DropReason> REASONS =
      EnumSet.of(
          DropReason.UNKNOWN_PEER,
          DropReason.HMAC_MISSING,
          DropReason.HMAC_MISMATCH,
          DropReason.HMAC_STALE,
          DropReason.HMAC_REPLAY);

  private static AdvertAuthenticator authenticator(long clock, InetAddress peer) {
    return new AdvertAuthenticator(new HmacAuth(SECRET, WINDOW, () -> clock), List.of(peer));
  }

  /** The message length, or the reason of the documented drop (checked). */
  private static Object verify(
      AdvertAuthenticator receiver, byte[] packet, InetAddress source, int family) {
    try {
      int length =
          receiver.verify(new InboundPacket(packet.clone(), source, US[family], 255, 0, false));
      assertThat(length)
          .isBetween(AdvertisementCodec.HEADER_BYTES, packet.length - HmacTrailer.BYTES);
      return length;
    } catch (MalformedAdvertisementException e) {
      assertThat(e.reason()).isIn(REASONS);
      assertThat(e.getMessage()).contains("(expected: ");
      return e.reason();
    }
  }

  @FuzzTest(maxDuration = "30s")
  void signedAdvertsVerifyOnceAndAnyChangeOrOtherBytesAreDroppedWithAReason(
      FuzzedDataProvider data) {
    int family = data.consumeBoolean() ? 1 : 0;
    AdvertAuthenticator receiver = authenticator(T0, PEER[family]);
    if (data.consumeBoolean()) {
      // Any bytes, from the peer or a stranger: a length or a drop with its reason.
      InetAddress source = data.consumeBoolean() ? PEER[family] : STRANGER[family];
      verify(receiver, data.consumeRemainingAsBytes(), source, family);
      return;
    }
    // A message signed by the peer, its clock somewhat or far off ours.
    long offset = data.consumeLong(-2 * WINDOW_MICROS, 2 * WINDOW_MICROS);
    int position = data.consumeInt(0, Integer.MAX_VALUE);
    int flip = data.consumeInt(1, 255);
    byte[] message = data.consumeRemainingAsBytes();
    if (message.length < AdvertisementCodec.HEADER_BYTES) {
      return;
    }
    byte[] signed = Arrays.copyOf(message, AdvertAuthenticator.signedLength(message.length));
    authenticator(T0 + offset, US[family])
        .sign(signed, PEER[family].getAddress(), US[family].getAddress());
    assertThat(Arrays.copyOf(signed, message.length)).isEqualTo(message);

    byte[] changed = signed.clone();
    changed[position % changed.length] ^= (byte) flip;
    assertThat(verify(receiver, changed, PEER[family], family))
        .as("a signed advert with byte %d changed", position % changed.length)
        .isIn(DropReason.HMAC_MISSING, DropReason.HMAC_MISMATCH);

    boolean inWindow = Math.abs(offset) <= WINDOW_MICROS;
    assertThat(verify(receiver, signed, PEER[family], family))
        .isEqualTo(inWindow ? message.length : DropReason.HMAC_STALE);
    assertThat(verify(receiver, signed, PEER[family], family))
        .isEqualTo(inWindow ? DropReason.HMAC_REPLAY : DropReason.HMAC_STALE);
    assertThat(verify(receiver, signed, STRANGER[family], family))
        .isEqualTo(DropReason.UNKNOWN_PEER);
  }
}
