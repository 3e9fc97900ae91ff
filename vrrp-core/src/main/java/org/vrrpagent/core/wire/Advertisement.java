package org.vrrpagent.core.wire;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.vrrpagent.base.AddressText;

/**
 * One VRRP advertisement (RFC 9568 §5.2, RFC 3768 §5.3). Immutable and valid by construction: an
 * advertisement that could not be put on the wire cannot exist.
 *
 * @param version VRRP version
 * @param family the family of {@code addresses} (and of the IP packet carrying it)
 * @param vrid virtual router id, 1..255
 * @param priority 0..255 (0: the master is leaving; 255: the address owner)
 * @param maxAdvertIntervalCentis the advertisement interval in centiseconds: v3 carries it as 12
 *     bits (1..4095); v2 carries whole seconds (1..255), so a v2 interval is a multiple of 100
 *     centiseconds
 * @param addresses the virtual addresses, 0..255 of them, all of {@code family}
 * @param authType v2 only; {@link AuthType#NONE} for v3
 * @param authData v2 only: exactly 8 bytes (zeros for {@link AuthType#NONE}); empty for v3
 */
public record Advertisement(
    VrrpVersion version,
    AddressFamily family,
    int vrid,
    int priority,
    int maxAdvertIntervalCentis,
    List<InetAddress> addresses,
    AuthType authType,
    byte[] authData) {

  /** Auth data length of a VRRPv2 advertisement (RFC 3768 §5.3.10). */
  public static final int V2_AUTH_DATA_BYTES = 8;

  /** The count field is 8 bits. */
  public static final int MAX_ADDRESSES = 255;

  /** The v3 interval field is 12 bits of centiseconds. */
  public static final int V3_MAX_INTERVAL_CENTIS = 4095;

  /** The v2 interval field is 8 bits of seconds. */
  public static final int V2_MAX_INTERVAL_SECONDS = 255;

  public Advertisement {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(addresses, "addresses");
    Objects.requireNonNull(authType, "authType");
    Objects.requireNonNull(authData, "authData");
    if (vrid < 1 || vrid > 255) {
      throw new IllegalArgumentException("VRID " + vrid + " (expected: 1..255)");
    }
    if (priority < 0 || priority > 255) {
      throw new IllegalArgumentException("priority " + priority + " (expected: 0..255)");
    }
    if (addresses.size() > MAX_ADDRESSES) {
      throw new IllegalArgumentException(
          "address count " + addresses.size() + " (expected: at most 255)");
    }
    addresses = List.copyOf(addresses);
    for (InetAddress a : addresses) {
      if (!family.matches(a)) {
        throw new IllegalArgumentException(
            "address " + AddressText.of(a) + " (expected: " + family + ")");
      }
    }
    if (version == VrrpVersion.V3) {
      if (maxAdvertIntervalCentis < 1 || maxAdvertIntervalCentis > V3_MAX_INTERVAL_CENTIS) {
        throw new IllegalArgumentException(
            "advertisement interval "
                + maxAdvertIntervalCentis
                + " cs (expected: 1..4095 cs for VRRPv3)");
      }
      if (authType != AuthType.NONE || authData.length != 0) {
        throw new IllegalArgumentException(
            "authentication on a VRRPv3 advertisement (expected: none)");
      }
    } else {
      if (family != AddressFamily.IPV4) {
        throw new IllegalArgumentException("VRRPv2 with IPv6 addresses (expected: IPv4)");
      }
      if (maxAdvertIntervalCentis % 100 != 0
          || maxAdvertIntervalCentis < 100
          || maxAdvertIntervalCentis > V2_MAX_INTERVAL_SECONDS * 100) {
        throw new IllegalArgumentException(
            "advertisement interval "
                + maxAdvertIntervalCentis
                + " cs (expected: whole seconds 1..255 for VRRPv2)");
      }
      if (authData.length != V2_AUTH_DATA_BYTES) {
        throw new IllegalArgumentException(
            "auth data of " + authData.length + " bytes (expected: 8)");
      }
      if (authType == AuthType.NONE && !Arrays.equals(authData, new byte[V2_AUTH_DATA_BYTES])) {
        throw new IllegalArgumentException("auth data with auth type none (expected: zeros)");
      }
    }
    authData = authData.clone();
  }

  /** A VRRPv3 advertisement. */
  public static Advertisement v3(
      int vrid, int priority, int maxAdvertIntervalCentis, List<InetAddress> addresses) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException(
          "a VRRPv3 advertisement needs at least one address to know its family");
    }
    return new Advertisement(
        VrrpVersion.V3,
        AddressFamily.of(addresses.getFirst()),
        vrid,
        priority,
        maxAdvertIntervalCentis,
        addresses,
        AuthType.NONE,
        new byte[0]);
  }

  /** A VRRPv2 advertisement (IPv4 only). */
  public static Advertisement v2(
      int vrid,
      int priority,
      int advertIntervalSeconds,
      List<InetAddress> addresses,
      AuthType authType,
      byte[] authData) {
    return new Advertisement(
        VrrpVersion.V2,
        AddressFamily.IPV4,
        vrid,
        priority,
        advertIntervalSeconds * 100,
        addresses,
        authType,
        authData);
  }

  /** The same advertisement with another priority (for example 0 at shutdown). */
  public Advertisement withPriority(int newPriority) {
    return new Advertisement(
        version, family, vrid, newPriority, maxAdvertIntervalCentis, addresses, authType, authData);
  }

  @Override
  public byte[] authData() {
    return authData.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Advertisement a
        && version == a.version
        && family == a.family
        && vrid == a.vrid
        && priority == a.priority
        && maxAdvertIntervalCentis == a.maxAdvertIntervalCentis
        && addresses.equals(a.addresses)
        && authType == a.authType
        && Arrays.equals(authData, a.authData);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
                version, family, vrid, priority, maxAdvertIntervalCentis, addresses, authType)
            * 31
        + Arrays.hashCode(authData);
  }

  @Override
  public String toString() {
    return "VRRPv"
        + version.byteValue()
        + " vrid "
        + vrid
        + " prio "
        + priority
        + " intvl "
        + maxAdvertIntervalCentis
        + "cs addrs "
        + addresses.stream().map(AddressText::of).toList()
        + (authType == AuthType.NONE ? "" : " auth " + authType);
  }
}
