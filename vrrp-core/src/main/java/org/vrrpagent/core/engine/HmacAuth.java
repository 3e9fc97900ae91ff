package org.vrrpagent.core.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.vrrpagent.core.wire.HmacTrailer;

/**
 * vrrp-agent's own authentication of a router's adverts ({@code auth: { type: hmac-sha256 }}, see
 * {@link HmacTrailer}): the shared secret, the replay window and the clock the sequence numbers
 * come from.
 *
 * @param secret at least {@link HmacTrailer#MIN_SECRET_BYTES} bytes (copied)
 * @param replayWindow an advert is accepted only when its sequence (the sender's clock) is within
 *     this of ours, and above the last one accepted from the same peer
 * @param epochMicros this host's clock, microseconds since the epoch (the daemon: the system clock;
 *     tests: a fake one)
 */
public record HmacAuth(byte[] secret, Duration replayWindow, LongSupplier epochMicros) {
  /** The longest replay window: beyond it a restarted receiver accepts too old a replay. */
  public static final Duration MAX_REPLAY_WINDOW = Duration.ofHours(1);

  public HmacAuth {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < HmacTrailer.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "secret of "
              + secret.length
              + " bytes (expected: at least "
              + HmacTrailer.MIN_SECRET_BYTES
              + ")");
    }
    secret = secret.clone();
    Objects.requireNonNull(replayWindow, "replayWindow");
    if (replayWindow.compareTo(Duration.ofSeconds(1)) < 0
        || replayWindow.compareTo(MAX_REPLAY_WINDOW) > 0) {
      throw new IllegalArgumentException("replay window " + replayWindow + " (expected: 1s..1h)");
    }
    Objects.requireNonNull(epochMicros, "epochMicros");
  }

  /** The system clock in microseconds (millisecond resolution; the sequence is kept increasing). */
  public static long systemEpochMicros() {
    return System.currentTimeMillis() * 1000L;
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HmacAuth h
        && java.security.MessageDigest.isEqual(secret, h.secret)
        && replayWindow.equals(h.replayWindow)
        && epochMicros.equals(h.epochMicros);
  }

  @Override
  public int hashCode() {
    return Objects.hash(java.util.Arrays.hashCode(secret), replayWindow);
  }

  @Override
  public String toString() {
    return "HmacAuth[secret=(hidden), replayWindow=" + replayWindow + "]";
  }
}
