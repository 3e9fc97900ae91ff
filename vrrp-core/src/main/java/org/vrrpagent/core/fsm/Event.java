package org.vrrpagent.core.fsm;

import java.net.InetAddress;
import java.util.Objects;
import org.vrrpagent.core.carp.CarpAdvertisement;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.ReceivedAdvertisement;

/** What happens to a virtual router; fed to {@link VirtualRouter#handle(Event, long)}. */
public sealed interface Event {

  /** The router starts (RFC 9568 §6.4.1 Startup). Only in INIT. */
  record Startup() implements Event {}

  /** The router stops: a MASTER sends priority 0 and releases its addresses. Not in INIT. */
  record Shutdown() implements Event {}

  /** An advertisement that passed the codec's receive checks. */
  record AdvertReceived(ReceivedAdvertisement advert) implements Event {
    public AdvertReceived {
      Objects.requireNonNull(advert, "advert");
    }
  }

  /**
   * A CARP advertisement that passed {@code CarpCodec.decode}'s packet checks, from {@code source}
   * (for CARP routers only; its digest is checked by the router, which knows the passphrase).
   */
  record CarpAdvertReceived(CarpAdvertisement advert, InetAddress source) implements Event {
    public CarpAdvertReceived {
      Objects.requireNonNull(advert, "advert");
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * An advert from {@code source} the engine dropped before it could be decoded: vrrp-agent's own
   * hmac-sha256 authentication refused it ({@code reason} HMAC_*, or UNKNOWN_PEER). The router
   * reports the drop and, for a reason that means the peer is configured differently (no trailer,
   * another secret, a clock beyond the replay window), raises the conflict alarm as for any advert
   * it cannot agree with.
   */
  record AdvertRejected(InetAddress source, DropReason reason, String detail) implements Event {
    public AdvertRejected {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** A timer armed by {@link Action.ArmTimer} reached its deadline (and was not cancelled). */
  record TimerFired(TimerName timer) implements Event {
    public TimerFired {
      Objects.requireNonNull(timer, "timer");
    }
  }

  /**
   * The effective priority changed (see {@link Priority#compute}): 1..254 for a router that is not
   * the address owner; the owner's priority is always 255.
   */
  record PriorityChanged(int effectivePriority) implements Event {
    public PriorityChanged {
      if (effectivePriority < 1 || effectivePriority > 255) {
        throw new IllegalArgumentException("priority " + effectivePriority + " (expected: 1..255)");
      }
    }
  }

  /** Something the router depends on failed (an interface, a weight-0 check, a sync group peer). */
  record FaultRaised(String reason) implements Event {
    public FaultRaised {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The fault is gone: FAULT leaves to BACKUP. */
  record FaultCleared() implements Event {}
}
