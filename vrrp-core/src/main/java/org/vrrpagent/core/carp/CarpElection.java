package org.vrrpagent.core.carp;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * The CARP election as carp(4) and ucarp 1.5.2 run it, as pure decisions: what a router does with a
 * valid advertisement from another router of its vhid, and its two timers.
 *
 * <p>Unlike VRRP there is no priority: the router that advertises more often wins. Each router
 * advertises every {@code advbase + advskew/256} seconds; a backup declares the master down after
 * {@code 3 × advbase + advskew/256} seconds of silence (ucarp's dead ratio of 3, carp(4)'s fixed
 * 3). OpenBSD adds a demotion counter carried in every advertisement: the higher demote count
 * loses, whatever the intervals.
 */
public final class CarpElection {
  private CarpElection() {}

  /**
   * ucarp's {@code dead_ratio} and carp(4)'s fixed factor: intervals of silence before a backup
   * takes over.
   */
  public static final int DEAD_RATIO = 3;

  /** What to do with a valid advertisement from another router. */
  public enum Verdict {
    /** Nothing changes (a master hearing a worse one reasserts instead; see {@link #REASSERT}). */
    IGNORE,
    /**
     * A master hears a better master: send one more advertisement (so the winner knows it won), go
     * BACKUP.
     */
    STEP_DOWN,
    /**
     * A master hears a worse master: stay, and send gratuitous ARP again so the link follows us
     * (ucarp).
     */
    REASSERT,
    /**
     * A backup hears a master it should not wait for (preemption, higher demote, or it would time
     * out anyway).
     */
    TAKE_OVER,
    /** A backup hears a live master: restart the master-down timer. */
    RESTART_MASTER_DOWN
  }

  /** Our side of the comparison. {@code address} is our primary address on the link (ties). */
  public record Self(int advbase, int advskew, int demote, InetAddress address) {}

  /** Advertisement interval of a master: advbase s + advskew/256 s, in nanoseconds. */
  public static long advertIntervalNanos(int advbase, int advskew) {
    return CarpAdvertisement.intervalMicros(advbase, advskew) * 1_000L;
  }

  /** Master-down interval of a backup: 3 × advbase s + advskew/256 s, in nanoseconds. */
  public static long masterDownIntervalNanos(int advbase, int advskew) {
    return (DEAD_RATIO * (long) advbase * 1_000_000L + advskew * 1_000_000L / 256) * 1_000L;
  }

  /**
   * A MASTER receives {@code theirs} from {@code source}.
   *
   * <p>A lower demote count than ours wins outright (carp(4)); with equal demote counts the shorter
   * interval wins, and at equal intervals the "lower" source address as ucarp compares it ({@link
   * #winsTie}). A master that loses sends one last advertisement and steps down; one that wins
   * reasserts with gratuitous ARP, because the other one believes it is master too and the switches
   * may have followed its ARP.
   */
  public static Verdict asMaster(Self self, CarpAdvertisement theirs, InetAddress source) {
    if (theirs.demote() != self.demote()) {
      return theirs.demote() < self.demote() ? Verdict.STEP_DOWN : Verdict.REASSERT;
    }
    int byInterval =
        Long.compare(
            theirs.intervalMicros(),
            CarpAdvertisement.intervalMicros(self.advbase(), self.advskew()));
    if (byInterval < 0 || (byInterval == 0 && winsTie(source, self.address()))) {
      return Verdict.STEP_DOWN;
    }
    if (byInterval > 0 || winsTie(self.address(), source)) {
      return Verdict.REASSERT;
    }
    return Verdict.IGNORE; // our own address: a looped-back advertisement
  }

  /**
   * A BACKUP receives {@code theirs}.
   *
   * <p>A master with a higher demote count than ours is taken over whatever {@code preempt} says
   * (carp(4)); with {@code preempt}, so is one that advertises less often than we would, unless its
   * demote count is lower. A master whose interval is longer than our whole master-down interval
   * would time out anyway, so it is taken over now: that is how the bow out (advbase 255, advskew
   * 255) of a stopping master hands over at once. Anything else is a live master: wait again.
   */
  public static Verdict asBackup(Self self, CarpAdvertisement theirs, boolean preempt) {
    if (theirs.demote() > self.demote()) {
      return Verdict.TAKE_OVER;
    }
    long ours = CarpAdvertisement.intervalMicros(self.advbase(), self.advskew());
    if (preempt && ours < theirs.intervalMicros() && theirs.demote() >= self.demote()) {
      return Verdict.TAKE_OVER;
    }
    if (DEAD_RATIO * (long) self.advbase() * 1_000_000L < theirs.intervalMicros()) {
      return Verdict.TAKE_OVER;
    }
    return Verdict.RESTART_MASTER_DOWN;
  }

  /**
   * Whether {@code a} wins a tie against {@code b} (equal intervals and demote counts): the "lower"
   * address, compared as ucarp compares it. ucarp compares the two {@code s_addr} values as numbers
   * in host byte order, which on the little-endian machines it runs on means the last octet weighs
   * most: 198.18.2.10 is "lower" than 198.18.1.11. Both sides of a pair must agree on the winner or
   * both stay master, so we compare the same way (IPv4: octets from last to first). IPv6 (which
   * ucarp does not speak) compares byte by byte.
   */
  static boolean winsTie(InetAddress a, InetAddress b) {
    byte[] x = a.getAddress();
    byte[] y = b.getAddress();
    if (x.length != y.length) {
      return x.length < y.length;
    }
    if (x.length == 4) {
      x = reversed(x);
      y = reversed(y);
    }
    return Arrays.compareUnsigned(x, y) < 0;
  }

  private static byte[] reversed(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }
}
