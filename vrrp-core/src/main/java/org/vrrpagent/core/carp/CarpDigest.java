package org.vrrpagent.core.carp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA1 digest that authenticates a CARP advertisement, computed as carp(4) and ucarp 1.5.2
 * compute it.
 *
 * <p>Key: the passphrase's bytes in a 20-byte buffer, zero-padded (carp(4)'s {@code sc_key}; a
 * passphrase longer than 20 bytes cannot be represented). Because HMAC pads its key with zeros to
 * the block size anyway, this is standard HMAC-SHA1 keyed with the passphrase, and an empty
 * passphrase is the all-zero key that carp(4) uses without {@code pass}.
 *
 * <p>Message: version (2) and type (1) as one byte each, the vhid as one byte, the virtual
 * addresses, then the 8 counter bytes as they stand in the advertisement. The addresses are hashed
 * smallest first, not in configuration order: every IPv4 address (4 bytes, compared as unsigned
 * numbers), then every IPv6 address (16 bytes, compared byte by byte) with its scope cleared. ucarp
 * carries exactly one IPv4 address (its {@code -a}); with one address the two descriptions give the
 * same bytes, which the ucarp captures verify.
 *
 * <p>OpenBSD accepts a digest computed with or without the IPv6 link-local addresses (its {@code
 * HMAC_ORIG} and {@code HMAC_NOV6LL} contexts) and sends the one without them (a carp interface's
 * own link-local address differs from box to box); {@link #verify} accepts both and {@link
 * #compute} leaves the link-local ones out, as OpenBSD sends. Without IPv6 link-local addresses
 * (every IPv4 instance, ucarp) the two are the same bytes.
 */
public final class CarpDigest {
  /** carp(4)'s CARP_KEY_LEN. */
  public static final int KEY_BYTES = 20;

  /**
   * The longest passphrase ucarp accepts: it stores the terminating NUL in the 20-byte key
   * ("Password too long" from 20 characters on). OpenBSD takes 20.
   */
  public static final int UCARP_MAX_PASSPHRASE_BYTES = KEY_BYTES - 1;

  private static final Comparator<byte[]> UNSIGNED_BYTES = Arrays::compareUnsigned;

  private final SecretKeySpec key;

  private CarpDigest(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA1");
  }

  /** A digest keyed with {@code passphrase} (UTF-8, at most {@value #KEY_BYTES} bytes). */
  public static CarpDigest forPassphrase(String passphrase) {
    Objects.requireNonNull(passphrase, "passphrase");
    byte[] raw = passphrase.getBytes(StandardCharsets.UTF_8);
    if (raw.length > KEY_BYTES) {
      throw new IllegalArgumentException(
          "CARP passphrase of "
              + raw.length
              + " bytes (expected: at most "
              + KEY_BYTES
              + "; ucarp takes at most "
              + UCARP_MAX_PASSPHRASE_BYTES
              + ")");
    }
    return new CarpDigest(Arrays.copyOf(raw, KEY_BYTES));
  }

  /**
   * The digest a sender puts in an advertisement for {@code vhid}, its virtual addresses and {@code
   * counter}: without IPv6 link-local addresses, as carp(4) sends it.
   */
  public byte[] compute(int vhid, Collection<? extends InetAddress> addresses, long counter) {
    return compute(vhid, addresses, counter, false);
  }

  /**
   * Whether {@code advert}'s digest is the one our passphrase gives for its vhid and counter and
   * our virtual addresses: with every address, or (as OpenBSD also accepts) without the IPv6
   * link-local ones. Compared in constant time.
   */
  public boolean verify(CarpAdvertisement advert, Collection<? extends InetAddress> addresses) {
    byte[] found = advert.digest();
    if (MessageDigest.isEqual(found, compute(advert.vhid(), addresses, advert.counter(), true))) {
      return true;
    }
    boolean anyLinkLocal =
        addresses.stream().anyMatch(a -> a instanceof Inet6Address && a.isLinkLocalAddress());
    return anyLinkLocal
        && MessageDigest.isEqual(found, compute(advert.vhid(), addresses, advert.counter(), false));
  }

  private byte[] compute(
      int vhid, Collection<? extends InetAddress> addresses, long counter, boolean linkLocal) {
    List<byte[]> v4 = new ArrayList<>();
    List<byte[]> v6 = new ArrayList<>();
    for (InetAddress a : addresses) {
      if (a instanceof Inet4Address) {
        v4.add(a.getAddress());
      } else if (linkLocal || !a.isLinkLocalAddress()) {
        v6.add(a.getAddress()); // Java's 16 bytes carry no embedded scope: already "cleared"
      }
    }
    v4.sort(UNSIGNED_BYTES);
    v6.sort(UNSIGNED_BYTES);
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(key);
      mac.update((byte) CarpCodec.VERSION);
      mac.update((byte) CarpCodec.TYPE_ADVERTISEMENT);
      mac.update((byte) vhid);
      distinct(v4).forEach(mac::update);
      distinct(v6).forEach(mac::update);
      mac.update(CarpCodec.counterBytes(counter));
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
    }
  }

  /** carp(4) walks the addresses "next larger than the last", so a duplicate is hashed once. */
  private static List<byte[]> distinct(List<byte[]> sorted) {
    List<byte[]> out = new ArrayList<>(sorted.size());
    for (byte[] b : sorted) {
      if (out.isEmpty() || !Arrays.equals(out.getLast(), b)) {
        out.add(b);
      }
    }
    return out;
  }
}
