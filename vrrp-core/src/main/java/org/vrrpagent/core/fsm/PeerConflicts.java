package org.vrrpagent.core.fsm;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vrrpagent.core.wire.DropReason;

/**
 * The conflict episodes of one virtual router, one per peer (see {@link PeerConflict}). Pure: time
 * comes from the caller. An episode starts with the first conflicting advert from a peer and ends
 * when {@code quietNanos} pass without one; so an operator hears of it once, not per packet. At
 * most {@link #MAX_PEERS} peers at once; adverts from further peers are dropped as before but start
 * no episode. Not thread-safe.
 */
public final class PeerConflicts {
  /** Most peers in conflict at once that we keep track of. */
  public static final int MAX_PEERS = 16;

  private final long quietNanos;
  private final Map<InetAddress, PeerConflict> episodes = new LinkedHashMap<>();

  public PeerConflicts(long quietNanos) {
    if (quietNanos <= 0) {
      throw new IllegalArgumentException("quiet period " + quietNanos + " ns (expected: > 0)");
    }
    this.quietNanos = quietNanos;
  }

  /** How long without a conflicting advert ends an episode. */
  public long quietNanos() {
    return quietNanos;
  }

  /**
   * Drops a conflicting advert from {@code peer} ({@link Action.Dropped}) and, when it starts an
   * episode, raises it ({@link Action.ConflictRaised}) and arms {@link TimerName#CONFLICT_QUIET}
   * unless that timer is armed already (for an earlier episode; it re-arms itself for the next).
   */
  public void reject(
      InetAddress peer,
      DropReason reason,
      String detail,
      long nowNanos,
      ArmedTimers timers,
      List<Action> out) {
    out.add(new Action.Dropped(reason, detail));
    PeerConflict started = observe(peer, reason, detail, nowNanos);
    if (started != null) {
      out.add(new Action.ConflictRaised(started));
      if (!timers.isArmed(TimerName.CONFLICT_QUIET)) {
        timers.arm(TimerName.CONFLICT_QUIET, nowNanos + quietNanos, out);
      }
    }
  }

  /**
   * {@link TimerName#CONFLICT_QUIET} fired: ends the quiet episodes ({@link Action.ConflictCleared}
   * each) and arms the timer again for the next one to end, if any.
   */
  public void quietTimerFired(long nowNanos, ArmedTimers timers, List<Action> out) {
    for (PeerConflict ended : expire(nowNanos)) {
      out.add(new Action.ConflictCleared(ended));
    }
    long next = nextExpiryNanos();
    if (next != -1) {
      timers.arm(TimerName.CONFLICT_QUIET, next, out);
    }
  }

  /**
   * A conflicting advert from {@code peer} at {@code nowNanos}.
   *
   * @return the new episode when this advert starts one; null when it continues one (or the table
   *     is full)
   */
  public PeerConflict observe(InetAddress peer, DropReason reason, String detail, long nowNanos) {
    PeerConflict old = episodes.get(peer);
    if (old != null) {
      episodes.put(
          peer,
          new PeerConflict(peer, reason, detail, old.sinceNanos(), nowNanos, old.adverts() + 1));
      return null;
    }
    if (episodes.size() >= MAX_PEERS) {
      return null;
    }
    PeerConflict started = new PeerConflict(peer, reason, detail, nowNanos, nowNanos, 1);
    episodes.put(peer, started);
    return started;
  }

  /**
   * Ends the episodes quiet for {@link #quietNanos} at {@code nowNanos}; returns them, oldest
   * first.
   */
  public List<PeerConflict> expire(long nowNanos) {
    List<PeerConflict> ended = new ArrayList<>();
    episodes
        .values()
        .removeIf(
            c -> {
              if (nowNanos - c.lastSeenNanos() >= quietNanos) {
                ended.add(c);
                return true;
              }
              return false;
            });
    return ended;
  }

  /** When the next episode ends if no advert continues it; -1 when there is none. */
  public long nextExpiryNanos() {
    long next = -1;
    for (PeerConflict c : episodes.values()) {
      long at = c.lastSeenNanos() + quietNanos;
      if (next == -1 || at - next < 0) {
        next = at;
      }
    }
    return next;
  }

  /** The episodes going on, in the order they started. */
  public List<PeerConflict> current() {
    return List.copyOf(episodes.values());
  }

  /** Forgets every episode (the router stopped); returns them. */
  public List<PeerConflict> clear() {
    List<PeerConflict> all = current();
    episodes.clear();
    return all;
  }
}
