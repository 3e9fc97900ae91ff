package org.vrrpagent.core.fsm;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AuthType;
import org.vrrpagent.core.wire.VrrpVersion;

/**
 * The configuration of one virtual router, valid by construction.
 *
 * @param name the operator's name for it (keepalived's {@code vrrp_instance} name)
 * @param version VRRP version; v2 is IPv4 only
 * @param family address family of the virtual and primary addresses
 * @param vrid virtual router id, 1..255
 * @param basePriority 1..255; 255 makes this router the address owner, whose priority tracking
 *     never lowers
 * @param advertIntervalCentis Advertisement_Interval: v3 1..4095 cs; v2 whole seconds (100..25500
 *     cs)
 * @param preempt Preempt_Mode: a higher-priority backup takes over from a lower-priority master
 * @param preemptDelayNanos keepalived's {@code preempt_delay}: after startup (or leaving FAULT),
 *     and after first hearing a lower-priority master, a backup tolerates that master this long
 *     before preempting it; 0..{@link #MAX_PREEMPT_DELAY_NANOS}; needs {@code preempt}
 * @param fastPreempt a preempting backup that hears a lower-priority advert takes over at once
 *     instead of waiting for its master-down timer (off by default; see docs/engine.md for the
 *     trade-off)
 * @param virtualAddresses the virtual addresses, 1..{@value Advertisement#MAX_ADDRESSES}, no
 *     duplicates
 * @param primaryAddress our own source address: the tie-breaker between equal priorities, and how
 *     we recognise our own adverts
 * @param authType v2 only: {@link AuthType#NONE} or {@link AuthType#SIMPLE_TEXT}; NONE for v3
 * @param authData v2: exactly 8 bytes (a PASS password zero padded, see {@link #password(String)});
 *     zeros for NONE; empty for v3
 * @param resignBelow 0 = off; otherwise, when a priority change drops this MASTER's effective
 *     priority from at least this value to below it, it sends a priority-0 advert and becomes
 *     BACKUP (once per failure episode; see {@link VirtualRouter}); 0..255 (255 never fires: only
 *     the owner reaches 255 and its priority never changes)
 * @param receive receive hardening: whom the router listens to and the longest interval it learns
 */
public record RouterConfig(
    String name,
    VrrpVersion version,
    AddressFamily family,
    int vrid,
    int basePriority,
    int advertIntervalCentis,
    boolean preempt,
    long preemptDelayNanos,
    boolean fastPreempt,
    List<InetAddress> virtualAddresses,
    InetAddress primaryAddress,
    AuthType authType,
    byte[] authData,
    int resignBelow,
    ReceivePolicy receive) {

  /** The address owner's priority. */
  public static final int OWNER_PRIORITY = 255;

  /**
   * Longest preempt delay: one hour (keepalived stops at 1,000 s; the agent's configuration allows
   * 1 h).
   */
  public static final long MAX_PREEMPT_DELAY_NANOS = 3_600_000_000_000L;

  /** Longest operator-given name. */
  public static final int MAX_NAME_LENGTH = 64;

  public RouterConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(virtualAddresses, "virtualAddresses");
    Objects.requireNonNull(primaryAddress, "primaryAddress");
    Objects.requireNonNull(authType, "authType");
    Objects.requireNonNull(authData, "authData");
    String where = "virtual router '" + name + "': ";
    if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "name '" + name + "' (expected: 1.." + MAX_NAME_LENGTH + " characters)");
    }
    if (vrid < 1 || vrid > 255) {
      throw new IllegalArgumentException(where + "VRID " + vrid + " (expected: 1..255)");
    }
    if (basePriority < 1 || basePriority > 255) {
      throw new IllegalArgumentException(
          where + "priority " + basePriority + " (expected: 1..255, 255 = address owner)");
    }
    if (version == VrrpVersion.V3) {
      if (advertIntervalCentis < 1 || advertIntervalCentis > Advertisement.V3_MAX_INTERVAL_CENTIS) {
        throw new IllegalArgumentException(
            where
                + "advertisement interval "
                + advertIntervalCentis
                + " cs (expected: 1..4095 cs for VRRPv3)");
      }
      if (authType != AuthType.NONE || authData.length != 0) {
        throw new IllegalArgumentException(
            where + "authentication with VRRPv3 (expected: none; RFC 9568 removed it)");
      }
    } else {
      if (family != AddressFamily.IPV4) {
        throw new IllegalArgumentException(
            where + "VRRPv2 with IPv6 (expected: IPv4, or VRRPv3 for IPv6)");
      }
      if (advertIntervalCentis % 100 != 0
          || advertIntervalCentis < 100
          || advertIntervalCentis > Advertisement.V2_MAX_INTERVAL_SECONDS * 100) {
        throw new IllegalArgumentException(
            where
                + "advertisement interval "
                + advertIntervalCentis
                + " cs (expected: whole seconds 1..255 for VRRPv2)");
      }
      if (authType == AuthType.IP_AH) {
        throw new IllegalArgumentException(
            where + "auth type AH (expected: none or PASS; AH is obsolete)");
      }
      if (authData.length != Advertisement.V2_AUTH_DATA_BYTES) {
        throw new IllegalArgumentException(
            where + "auth data of " + authData.length + " bytes (expected: 8)");
      }
      if (authType == AuthType.NONE
          && !Arrays.equals(authData, new byte[Advertisement.V2_AUTH_DATA_BYTES])) {
        throw new IllegalArgumentException(
            where + "auth data without auth type PASS (expected: zeros)");
      }
    }
    if (preemptDelayNanos < 0 || preemptDelayNanos > MAX_PREEMPT_DELAY_NANOS) {
      throw new IllegalArgumentException(
          where + "preempt delay " + preemptDelayNanos + " ns (expected: 0..3600 s)");
    }
    if (!preempt && (preemptDelayNanos > 0 || fastPreempt)) {
      throw new IllegalArgumentException(
          where + "preempt delay or fast preempt with nopreempt (expected: preempt on)");
    }
    if (virtualAddresses.isEmpty() || virtualAddresses.size() > Advertisement.MAX_ADDRESSES) {
      throw new IllegalArgumentException(
          where
              + virtualAddresses.size()
              + " virtual addresses (expected: 1.."
              + Advertisement.MAX_ADDRESSES
              + ")");
    }
    virtualAddresses = List.copyOf(virtualAddresses);
    if (new HashSet<>(virtualAddresses).size() != virtualAddresses.size()) {
      throw new IllegalArgumentException(where + "duplicate virtual address (expected: each once)");
    }
    for (InetAddress a : virtualAddresses) {
      if (!family.matches(a)) {
        throw new IllegalArgumentException(
            where + "virtual address " + AddressText.of(a) + " (expected: " + family + ")");
      }
    }
    if (!family.matches(primaryAddress)) {
      throw new IllegalArgumentException(
          where
              + "primary address "
              + AddressText.of(primaryAddress)
              + " (expected: "
              + family
              + ")");
    }
    if (resignBelow < 0 || resignBelow > OWNER_PRIORITY) {
      throw new IllegalArgumentException(
          where + "resign-below " + resignBelow + " (expected: 0 = off, or 1..255)");
    }
    Objects.requireNonNull(receive, "receive");
    authData = authData.clone();
  }

  /** A VRRPv3 router with preempt on, no preempt delay, no fast preempt. */
  public static RouterConfig v3(
      String name,
      int vrid,
      int priority,
      int advertIntervalCentis,
      List<InetAddress> virtualAddresses,
      InetAddress primaryAddress) {
    return new RouterConfig(
        name,
        VrrpVersion.V3,
        AddressFamily.of(primaryAddress),
        vrid,
        priority,
        advertIntervalCentis,
        true,
        0,
        false,
        virtualAddresses,
        primaryAddress,
        AuthType.NONE,
        new byte[0],
        0,
        ReceivePolicy.DEFAULT);
  }

  /** A VRRPv2 router with preempt on and no authentication. */
  public static RouterConfig v2(
      String name,
      int vrid,
      int priority,
      int advertIntervalSeconds,
      List<InetAddress> virtualAddresses,
      InetAddress primaryAddress) {
    return new RouterConfig(
        name,
        VrrpVersion.V2,
        AddressFamily.IPV4,
        vrid,
        priority,
        advertIntervalSeconds * 100,
        true,
        0,
        false,
        virtualAddresses,
        primaryAddress,
        AuthType.NONE,
        new byte[Advertisement.V2_AUTH_DATA_BYTES],
        0,
        ReceivePolicy.DEFAULT);
  }

  /**
   * keepalived's PASS semantics: the password's first 8 bytes (UTF-8), zero padded.
   *
   * @throws IllegalArgumentException if the password is empty or longer than 8 bytes
   */
  public static byte[] password(String password) {
    byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0 || bytes.length > Advertisement.V2_AUTH_DATA_BYTES) {
      throw new IllegalArgumentException("password of " + bytes.length + " bytes (expected: 1..8)");
    }
    return Arrays.copyOf(bytes, Advertisement.V2_AUTH_DATA_BYTES);
  }

  /** True for the address owner (priority 255). */
  public boolean owner() {
    return basePriority == OWNER_PRIORITY;
  }

  /**
   * A copy to change, checked again when built: {@code
   * config.toBuilder().basePriority(50).build()}.
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some of a configuration's values; {@link #build()} checks the result. */
  public static final class Builder {
    private final String name;
    private final VrrpVersion version;
    private final AddressFamily family;
    private final int vrid;
    private final List<InetAddress> virtualAddresses;
    private final InetAddress primaryAddress;
    private int basePriority;
    private int advertIntervalCentis;
    private boolean preempt;
    private long preemptDelayNanos;
    private boolean fastPreempt;
    private AuthType authType;
    private byte[] authData;
    private int resignBelow;
    private ReceivePolicy receive;

    private Builder(RouterConfig c) {
      name = c.name;
      version = c.version;
      family = c.family;
      vrid = c.vrid;
      virtualAddresses = c.virtualAddresses;
      primaryAddress = c.primaryAddress;
      basePriority = c.basePriority;
      advertIntervalCentis = c.advertIntervalCentis;
      preempt = c.preempt;
      preemptDelayNanos = c.preemptDelayNanos;
      fastPreempt = c.fastPreempt;
      authType = c.authType;
      authData = c.authData;
      resignBelow = c.resignBelow;
      receive = c.receive;
    }

    /**
     * keepalived's PASS authentication with this password; see {@link
     * RouterConfig#password(String)}.
     */
    public Builder password(String password) {
      authType = AuthType.SIMPLE_TEXT;
      authData = RouterConfig.password(password);
      return this;
    }

    public Builder basePriority(int priority) {
      basePriority = priority;
      return this;
    }

    public Builder advertIntervalCentis(int centis) {
      advertIntervalCentis = centis;
      return this;
    }

    /** Preempt off (keepalived's {@code nopreempt}): also clears preempt delay and fast preempt. */
    public Builder noPreempt() {
      preempt = false;
      preemptDelayNanos = 0;
      fastPreempt = false;
      return this;
    }

    public Builder preemptDelayNanos(long delayNanos) {
      preemptDelayNanos = delayNanos;
      return this;
    }

    public Builder fastPreempt(boolean fast) {
      fastPreempt = fast;
      return this;
    }

    /** resign-below N (0 = off); see {@link RouterConfig#resignBelow()}. */
    public Builder resignBelow(int below) {
      resignBelow = below;
      return this;
    }

    /** The receive hardening; see {@link ReceivePolicy}. */
    public Builder receive(ReceivePolicy policy) {
      receive = policy;
      return this;
    }

    /**
     * The changed configuration.
     *
     * @throws IllegalArgumentException as the constructor does, for a value out of range
     */
    public RouterConfig build() {
      return new RouterConfig(
          name,
          version,
          family,
          vrid,
          basePriority,
          advertIntervalCentis,
          preempt,
          preemptDelayNanos,
          fastPreempt,
          virtualAddresses,
          primaryAddress,
          authType,
          authData,
          resignBelow,
          receive);
    }
  }

  @Override
  public byte[] authData() {
    return authData.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouterConfig c
        && name.equals(c.name)
        && version == c.version
        && family == c.family
        && vrid == c.vrid
        && basePriority == c.basePriority
        && advertIntervalCentis == c.advertIntervalCentis
        && preempt == c.preempt
        && preemptDelayNanos == c.preemptDelayNanos
        && fastPreempt == c.fastPreempt
        && virtualAddresses.equals(c.virtualAddresses)
        && primaryAddress.equals(c.primaryAddress)
        && authType == c.authType
        && Arrays.equals(authData, c.authData)
        && resignBelow == c.resignBelow
        && receive.equals(c.receive);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, vrid, basePriority, virtualAddresses, primaryAddress);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "RouterConfig["
        + name
        + " VRRPv"
        + version.byteValue()
        + " "
        + family
        + " vrid "
        + vrid
        + " prio "
        + basePriority
        + " intvl "
        + advertIntervalCentis
        + "cs"
        + (preempt ? " preempt" : " nopreempt")
        + (preemptDelayNanos > 0 ? " delay " + preemptDelayNanos / 1_000_000 + "ms" : "")
        + (fastPreempt ? " fast-preempt" : "")
        + (resignBelow > 0 ? " resign-below " + resignBelow : "")
        + " vips "
        + virtualAddresses.stream().map(AddressText::of).toList()
        + " primary "
        + AddressText.of(primaryAddress)
        + (authType == AuthType.NONE ? "" : " auth PASS")
        + (receive.equals(ReceivePolicy.DEFAULT) ? "" : " " + receive.describe().getFirst())
        + "]";
  }
}
