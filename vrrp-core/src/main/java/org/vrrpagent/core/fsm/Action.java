package org.vrrpagent.core.fsm;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.vrrpagent.core.carp.CarpAdvertisement;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.DropReason;

/**
 * What a virtual router asks its runtime to do. Actions are data; the runtime executes them in list
 * order.
 */
public sealed interface Action {

  /**
   * An action list that takes timer changes directly instead of as {@link ArmTimer} / {@link
   * CancelTimer} actions ({@link VirtualRouter#handle(Event, long, List)}): the engine arms its
   * timers this way, so a master's advertising allocates no action per advert. Timer changes stay
   * in the order the state machine makes them and take effect before the event's other actions run;
   * on the one engine thread no timer can fire in between, so the outcome is the same.
   */
  interface TimerSink {
    void armTimer(TimerName timer, long deadlineNanos);

    void cancelTimer(TimerName timer);
  }

  /** Send this advertisement to the VRRP group (or the unicast peers). */
  record SendAdvertisement(Advertisement advert) implements Action {
    public SendAdvertisement {
      Objects.requireNonNull(advert, "advert");
    }
  }

  /**
   * Send this CARP advertisement to the group (a CARP router's adverts; {@code priority} is the
   * effective priority its advskew stands for, for counting).
   */
  record SendCarpAdvertisement(CarpAdvertisement advert, int priority) implements Action {
    public SendCarpAdvertisement {
      Objects.requireNonNull(advert, "advert");
    }
  }

  /** Put the virtual addresses on the interface (entering MASTER). */
  record AddAddresses(List<InetAddress> addresses) implements Action {
    public AddAddresses {
      addresses = List.copyOf(addresses);
    }
  }

  /** Take the virtual addresses off the interface (leaving MASTER). */
  record RemoveAddresses(List<InetAddress> addresses) implements Action {
    public RemoveAddresses {
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * Send gratuitous ARP (IPv4) / unsolicited neighbour advertisements (IPv6) for these addresses.
   */
  record AnnounceAddresses(List<InetAddress> addresses) implements Action {
    public AnnounceAddresses {
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * (Re)arm a timer: deliver {@link Event.TimerFired} at {@code deadlineNanos}; re-arming replaces.
   */
  record ArmTimer(TimerName timer, long deadlineNanos) implements Action {
    public ArmTimer {
      Objects.requireNonNull(timer, "timer");
    }
  }

  /** Cancel a timer: it must not fire. */
  record CancelTimer(TimerName timer) implements Action {
    public CancelTimer {
      Objects.requireNonNull(timer, "timer");
    }
  }

  /** The one report of a state change: log it, count it, tell listeners. */
  record StateChanged(VrrpState from, VrrpState to, String reason, int priority) implements Action {
    public StateChanged {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return from + " -> " + to + " (" + reason + ", priority " + priority + ")";
    }
  }

  /** A received advertisement was dropped by policy: count it under {@code reason.label()}. */
  record Dropped(DropReason reason, String detail) implements Action {
    public Dropped {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * An advertisement was accepted although it disagrees with our configuration in a way the RFC
   * says to log (RFC 9568 §7.1: the address list). Emitted once per distinct mismatch, not per
   * packet.
   */
  record PeerMisconfigured(String detail) implements Action {
    public PeerMisconfigured {
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * A conflict episode with a peer began (see {@link PeerConflict}): say it once, loudly (log,
   * event, mail). Its adverts keep being dropped and counted as {@link Dropped}.
   */
  record ConflictRaised(PeerConflict conflict) implements Action {
    public ConflictRaised {
      Objects.requireNonNull(conflict, "conflict");
    }
  }

  /** A conflict episode ended: no conflicting advert from the peer for the quiet period. */
  record ConflictCleared(PeerConflict conflict) implements Action {
    public ConflictCleared {
      Objects.requireNonNull(conflict, "conflict");
    }
  }
}
