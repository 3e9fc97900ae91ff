package org.vrrpagent.core.carp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.fsm.ReceivePolicy;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AuthType;
import org.vrrpagent.core.wire.VrrpVersion;

/**
 * The configuration of one CARP virtual host, valid by construction.
 *
 * <h2>Priority and skew</h2>
 *
 * Checks, the priority-order file and {@code demote}/{@code promote} move a priority (1..254,
 * higher is better) for CARP instances as for VRRP ones. A CARP router advertises that priority as
 * its skew, by one mapping ({@link #advskewFor}): {@code advskew = 254 - priority}, except that
 * priority 1 (the floor: {@code demote --to-backup}, or tracking clamped at the bottom) is advskew
 * 254, OpenBSD's maintenance habit. The configured advskew stands for the base priority {@code 254
 * - advskew} ({@link #basePriorityFor}; advskew 253 and 254 both stand for priority 1, so both
 * advertise 254).
 *
 * @param name the operator's name for it
 * @param vhid virtual host id, 1..255
 * @param advbaseSeconds 1..255
 * @param advskew the configured skew, 0..254 (255 is the bow out)
 * @param preempt take over from a master that advertises less often than we would
 * @param passphrase the HMAC key (at most {@value CarpDigest#KEY_BYTES} bytes; empty: the zero key
 *     carp(4) uses without {@code pass})
 * @param virtualAddresses the virtual addresses, 1..{@value Advertisement#MAX_ADDRESSES}, no
 *     duplicates, all IPv4 (ucarp, carp(4)) or all IPv6 (carp(4) only)
 * @param primaryAddress our own address on the link, of the addresses' family (IPv6: the link-local
 *     source of our adverts): the tie-breaker, and how we recognise our own adverts
 * @param initialCounter the replay counter of the first advert (carp(4) starts from a random value;
 *     the shell picks it, the state machine never draws randomness)
 */
public record CarpConfig(
    String name,
    int vhid,
    int advbaseSeconds,
    int advskew,
    boolean preempt,
    String passphrase,
    List<InetAddress> virtualAddresses,
    InetAddress primaryAddress,
    long initialCounter) {

  /** The highest advskew an operator may configure; 255 is reserved for the bow out. */
  public static final int MAX_ADVSKEW = 254;

  /** The highest advbase. */
  public static final int MAX_ADVBASE_SECONDS = 255;

  public CarpConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(primaryAddress, "primaryAddress");
    virtualAddresses = List.copyOf(virtualAddresses);
    String where = "CARP virtual host '" + name + "': ";
    if (vhid < 1 || vhid > 255) {
      throw new IllegalArgumentException(where + "vhid " + vhid + " (expected: 1..255)");
    }
    if (advbaseSeconds < 1 || advbaseSeconds > MAX_ADVBASE_SECONDS) {
      throw new IllegalArgumentException(
          where + "advbase " + advbaseSeconds + " s (expected: 1..255 s)");
    }
    if (advskew < 0 || advskew > MAX_ADVSKEW) {
      throw new IllegalArgumentException(where + "advskew " + advskew + " (expected: 0..254)");
    }
    int keyBytes = passphrase.getBytes(StandardCharsets.UTF_8).length;
    if (keyBytes > CarpDigest.KEY_BYTES) {
      throw new IllegalArgumentException(
          where + "passphrase of " + keyBytes + " bytes (expected: at most 20)");
    }
    if (virtualAddresses.isEmpty() || virtualAddresses.size() > Advertisement.MAX_ADDRESSES) {
      throw new IllegalArgumentException(
          where + virtualAddresses.size() + " addresses (expected: 1..255)");
    }
    if (new HashSet<>(virtualAddresses).size() != virtualAddresses.size()) {
      throw new IllegalArgumentException(where + "duplicate addresses " + virtualAddresses);
    }
    boolean v4 = virtualAddresses.getFirst() instanceof Inet4Address;
    for (InetAddress a : virtualAddresses) {
      if ((a instanceof Inet4Address) != v4) {
        throw new IllegalArgumentException(
            where
                + "address "
                + AddressText.of(a)
                + " (expected: one family; "
                + AddressText.of(virtualAddresses.getFirst())
                + " is "
                + (v4 ? "IPv4" : "IPv6")
                + ")");
      }
    }
    if ((primaryAddress instanceof Inet4Address) != v4) {
      throw new IllegalArgumentException(
          where
              + "primary address "
              + AddressText.of(primaryAddress)
              + " (expected: "
              + (v4 ? "IPv4" : "IPv6")
              + ", the family of the addresses)");
    }
  }

  /** The family of the virtual addresses (and of the adverts: 224.0.0.18 or ff02::12). */
  public AddressFamily family() {
    return virtualAddresses.getFirst() instanceof Inet4Address
        ? AddressFamily.IPV4
        : AddressFamily.IPV6;
  }

  /** A configuration with a new configured skew (tests, reload). */
  public CarpConfig withAdvskew(int skew) {
    return new CarpConfig(
        name,
        vhid,
        advbaseSeconds,
        skew,
        preempt,
        passphrase,
        virtualAddresses,
        primaryAddress,
        initialCounter);
  }

  /** The base priority the configured advskew stands for: {@code 254 - advskew}, at least 1. */
  public int basePriority() {
    return basePriorityFor(advskew);
  }

  /** {@code max(1, 254 - advskew)}: the priority a configured skew stands for. */
  public static int basePriorityFor(int advskew) {
    return Math.max(1, MAX_ADVSKEW - advskew);
  }

  /**
   * The skew a router advertises at {@code priority} (1..254): {@code 254 - priority}, and 254 at
   * priority 1 (to-backup, the bottom of tracking).
   */
  public static int advskewFor(int priority) {
    if (priority < 1 || priority > MAX_ADVSKEW) {
      throw new IllegalArgumentException("priority " + priority + " (expected: 1..254)");
    }
    return priority == 1 ? MAX_ADVSKEW : MAX_ADVSKEW - priority;
  }

  /**
   * The demotion counter a router advertises at {@code priority} when its configured skew stands
   * for {@code basePriority}: 1 when it has been pushed to the bottom (priority 1: {@code demote
   * --to-backup}, or tracking and {@code demote --by} clamped at the floor) from a base above it,
   * else 0. carp(4) raises the counter of a failing box so that its peers take over even without
   * preemption; ucarp ignores the field. A box whose configured skew is itself the bottom (advskew
   * 253 or 254) is not demoted by being there.
   */
  public static int demoteFor(int priority, int basePriority) {
    return priority == 1 && basePriority > 1 ? 1 : 0;
  }

  /** The priority an advertised skew stands for (for status: the master's "priority"). */
  public static int priorityForAdvskew(int advskew) {
    return advskew >= MAX_ADVSKEW ? 1 : MAX_ADVSKEW - advskew;
  }

  /**
   * The protocol-neutral view the engine, status and the agent read of every router (name, id,
   * addresses, primary address, base priority, interval, preempt), as a {@link RouterConfig}. It
   * never drives a VRRP state machine: the engine runs a {@link CarpRouter} for a binding that
   * carries a CARP configuration. The interval is advbase in whole seconds.
   */
  public RouterConfig routerConfig(int basePriority) {
    boolean v4 = family() == AddressFamily.IPV4;
    return new RouterConfig(
        name,
        // RouterConfig speaks VRRP's words: v2 for IPv4, v3 (the only VRRP for IPv6) for IPv6,
        // whose interval field stops at 4095 cs (an IPv6 advbase above 40 s shows as 40.95 s).
        v4 ? VrrpVersion.V2 : VrrpVersion.V3,
        family(),
        vhid,
        basePriority,
        v4
            ? advbaseSeconds * 100
            : Math.min(advbaseSeconds * 100, Advertisement.V3_MAX_INTERVAL_CENTIS),
        preempt,
        0,
        false,
        virtualAddresses,
        primaryAddress,
        AuthType.NONE,
        v4 ? new byte[Advertisement.V2_AUTH_DATA_BYTES] : new byte[0],
        0,
        ReceivePolicy.DEFAULT);
  }

  @Override
  public String toString() {
    return "CARP "
        + name
        + " vhid "
        + vhid
        + " advbase "
        + advbaseSeconds
        + " advskew "
        + advskew
        + (preempt ? " preempt" : "")
        + " "
        + virtualAddresses.stream().map(AddressText::of).toList();
  }
}
