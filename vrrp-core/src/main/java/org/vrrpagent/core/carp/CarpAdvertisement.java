package org.vrrpagent.core.carp;

import java.util.HexFormat;
import java.util.Objects;

/**
 * One CARP advertisement (OpenBSD carp(4), ucarp): the 36-byte message carried in IP protocol 112.
 * Immutable and valid by construction; the digest is whatever the sender put there (whether it
 * verifies is {@link CarpDigest}'s business, not the record's).
 *
 * <p>The advertised interval is {@code advbase} seconds plus {@code advskew}/256 of a second: a
 * shorter interval wins the election. {@code advbase 255, advskew 255} is the "bow out" a stopping
 * master sends so that a backup takes over at once.
 *
 * @param vhid the virtual host id, 1..255 (the last byte of the virtual MAC 00:00:5e:00:00:VHID)
 * @param advskew 0..255, added to advbase in 1/256 s
 * @param advbase 0..255 seconds
 * @param demote the sender's demotion counter (OpenBSD; ucarp always sends 0); a higher value loses
 *     the election whatever the interval
 * @param counter the 64-bit replay counter, as an unsigned value in a long
 * @param digest the 20-byte HMAC-SHA1 over version, type, vhid, addresses and counter
 */
public record CarpAdvertisement(
    int vhid, int advskew, int advbase, int demote, long counter, byte[] digest) {
  /** Length of the HMAC-SHA1 digest. */
  public static final int DIGEST_BYTES = 20;

  /** advbase and advskew of a master that is going away (OpenBSD's bow out). */
  public static final int BOW_OUT = 255;

  public CarpAdvertisement {
    requireByte(vhid, 1, "vhid");
    requireByte(advskew, 0, "advskew");
    requireByte(advbase, 0, "advbase");
    requireByte(demote, 0, "demote");
    Objects.requireNonNull(digest, "digest");
    if (digest.length != DIGEST_BYTES) {
      throw new IllegalArgumentException(
          "digest of " + digest.length + " bytes (expected: " + DIGEST_BYTES + ")");
    }
    if (advbase == 0 && advskew == 0) {
      throw new IllegalArgumentException(
          "advertised interval 0 (expected: advbase or advskew above 0)");
    }
    digest = digest.clone();
  }

  private static void requireByte(int value, int min, String name) {
    if (value < min || value > 255) {
      throw new IllegalArgumentException(name + " " + value + " (expected: " + min + "..255)");
    }
  }

  /**
   * The advertised interval in microseconds, computed as carp(4) and ucarp compare it: whole
   * seconds from advbase plus {@code advskew * 1000000 / 256} microseconds, truncated.
   */
  public long intervalMicros() {
    return intervalMicros(advbase, advskew);
  }

  /**
   * The interval of {@code advbase} seconds and {@code advskew}/256 s, in microseconds, truncated
   * as carp(4) does.
   */
  public static long intervalMicros(int advbase, int advskew) {
    return advbase * 1_000_000L + advskew * 1_000_000L / 256;
  }

  /** Whether this is a stopping master's last word (advbase 255, advskew 255). */
  public boolean bowsOut() {
    return advbase == BOW_OUT && advskew == BOW_OUT;
  }

  @Override
  public byte[] digest() {
    return digest.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CarpAdvertisement a
        && vhid == a.vhid
        && advskew == a.advskew
        && advbase == a.advbase
        && demote == a.demote
        && counter == a.counter
        && java.util.Arrays.equals(digest, a.digest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(vhid, advskew, advbase, demote, counter, java.util.Arrays.hashCode(digest));
  }

  @Override
  public String toString() {
    return "CARP vhid "
        + vhid
        + " advbase "
        + advbase
        + " advskew "
        + advskew
        + " demote "
        + demote
        + " counter "
        + Long.toUnsignedString(counter)
        + " digest "
        + HexFormat.of().formatHex(digest, 0, 4)
        + "…";
  }
}
