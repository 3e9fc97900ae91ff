package org.vrrpagent.core.engine;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.Event;
import org.vrrpagent.core.fsm.TimerName;
import org.vrrpagent.core.fsm.VirtualRouter;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.ReceivedAdvertisement;

/**
 * Runs the code of a takeover on routers of its own, off the engine thread, so that a real takeover
 * runs compiled code. A backup runs the path from "Master_Down_Timer fired" to "advert on the wire"
 * once per failover: in the lab that first run, interpreted, took 0.2 to 0.5 ms between the timer
 * and the send, where keepalived's whole lateness is 0.15 ms. Here each router configuration's
 * first of each shape (VRRP version, address family) goes {@value #ROUNDS} times through startup, a
 * priority-0 advert, the down timer, the takeover, an advertisement timer and shutdown on one
 * {@link VirtualRouter} whose actions are encoded and dropped; its transport runs its send path
 * without sending ({@link Transport#rehearseSend}). Nothing it touches is shared with the engine:
 * its routers are its own, its actions go nowhere.
 */
final class TakeoverRehearsal {
  private static final Logger log = LoggerFactory.getLogger(TakeoverRehearsal.class);

  /**
   * Rounds per shape: past the JIT's first compile threshold (200 calls) with a margin. 1,000
   * rounds took 0.1 to 0.4 s of CPU at start-up in the lab (interpreted, while the JVM starts).
   */
  static final int ROUNDS = 400;

  private static final Event STARTUP = new Event.Startup();
  private static final Event SHUTDOWN = new Event.Shutdown();
  private static final Event DOWN_TIMER = new Event.TimerFired(TimerName.MASTER_DOWN);
  private static final Event ADVERT_TIMER = new Event.TimerFired(TimerName.ADVERTISEMENT);

  private TakeoverRehearsal() {}

  /** The bindings to rehearse: the first VRRP binding of each version and address family. */
  static List<RouterBinding> shapes(Collection<RouterBinding> bindings) {
    Map<String, RouterBinding> first = new LinkedHashMap<>();
    for (RouterBinding b : bindings) {
      if (b.carp().isEmpty()) {
        first.putIfAbsent(b.config().version() + "/" + b.config().family(), b);
      }
    }
    return List.copyOf(first.values());
  }

  /**
   * Runs {@code rounds} rehearsals of each binding.
   *
   * @return the takeovers rehearsed (routers that went from BACKUP to MASTER), for tests
   */
  static int run(List<RouterBinding> bindings, int rounds) {
    int takeovers = 0;
    for (RouterBinding b : bindings) {
      try {
        // One router and one of everything it is fed, again and again (a stopped router starts
        // afresh): the rehearsal leaves next to no garbage behind.
        VirtualRouter r = new VirtualRouter(b.config());
        Event leaving = new Event.AdvertReceived(priorityZeroFromPeer(b, r));
        Scratch out = new Scratch();
        for (int i = 0; i < rounds; i++) {
          takeovers += once(b, r, leaving, out, (i + 1) * 10_000_000_000L) ? 1 : 0;
        }
      } catch (RuntimeException e) {
        // Only the warm-up is lost: say so quietly, the daemon is unaffected.
        log.debug("{}: takeover rehearsal stopped: {}", b.name(), e.toString());
      }
    }
    return takeovers;
  }

  /** One rehearsal, INIT to INIT; true when the router went from BACKUP to MASTER. */
  private static boolean once(
      RouterBinding b, VirtualRouter r, Event leaving, Scratch out, long startNanos) {
    long now = startNanos;
    step(b, r, STARTUP, now, out);
    boolean takeover = false;
    if (r.state() == VrrpState.BACKUP) {
      step(b, r, leaving, now, out);
      now += 1_000_000_000L;
      step(b, r, DOWN_TIMER, now, out);
      takeover = r.state() == VrrpState.MASTER;
    }
    if (r.state() == VrrpState.MASTER) {
      now += 1_000_000_000L;
      step(b, r, ADVERT_TIMER, now, out);
    }
    step(b, r, SHUTDOWN, now, out);
    if (r.state() != VrrpState.INIT) {
      throw new IllegalStateException("not back in INIT after shutdown: " + r.state());
    }
    return takeover;
  }

  private static void step(RouterBinding b, VirtualRouter r, Event e, long now, Scratch out) {
    out.clear();
    r.handle(e, now, out);
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i) instanceof Action.SendAdvertisement s) {
        AdvertisementCodec.encode(
            s.advert(), b.config().primaryAddress(), destination(b), b.checksumMode());
        b.transport().rehearseSend();
      }
    }
  }

  private static InetAddress destination(RouterBinding b) {
    return b.unicastPeers().isEmpty() ? b.group() : b.unicastPeers().getFirst();
  }

  /** {@code r}'s own advert with priority 0, as a leaving master on the link would send it. */
  private static ReceivedAdvertisement priorityZeroFromPeer(RouterBinding b, VirtualRouter r) {
    InetAddress peer =
        b.unicastPeers().isEmpty()
            ? neighbour(b.config().primaryAddress())
            : b.unicastPeers().getFirst();
    InetAddress to = b.unicastPeers().isEmpty() ? b.group() : b.config().primaryAddress();
    return new ReceivedAdvertisement(
        r.takeoverAdvert().advert().withPriority(0), peer, b.checksumMode(), to, true);
  }

  /** Our address with the last bit flipped: another host on the link, never used on the wire. */
  private static InetAddress neighbour(InetAddress own) {
    byte[] a = own.getAddress();
    a[a.length - 1] ^= 1;
    try {
      return InetAddress.getByAddress(a);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Timer changes go nowhere: the router keeps its own record of what is armed. */
  private static final class Scratch extends ArrayList<Action> implements Action.TimerSink {
    @Override
    public void armTimer(TimerName timer, long deadlineNanos) {}

    @Override
    public void cancelTimer(TimerName timer) {}
  }
}
