package org.vrrpagent.core.fsm;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.core.fsm.Action.AddAddresses;
import org.vrrpagent.core.fsm.Action.AnnounceAddresses;
import org.vrrpagent.core.fsm.Action.ArmTimer;
import org.vrrpagent.core.fsm.Action.Dropped;
import org.vrrpagent.core.fsm.Action.PeerMisconfigured;
import org.vrrpagent.core.fsm.Action.RemoveAddresses;
import org.vrrpagent.core.fsm.Action.SendAdvertisement;
import org.vrrpagent.core.fsm.Action.StateChanged;
import org.vrrpagent.core.fsm.Event.AdvertReceived;
import org.vrrpagent.core.fsm.Event.FaultCleared;
import org.vrrpagent.core.fsm.Event.FaultRaised;
import org.vrrpagent.core.fsm.Event.PriorityChanged;
import org.vrrpagent.core.fsm.Event.Shutdown;
import org.vrrpagent.core.fsm.Event.Startup;
import org.vrrpagent.core.fsm.Event.TimerFired;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AuthType;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.ReceivedAdvertisement;
import org.vrrpagent.core.wire.VrrpVersion;

/**
 * One VRRP virtual router: a pure state machine, {@code (state, event, now) -> (state, actions)}
 * after RFC 9568 §6 (VRRPv3) and RFC 3768 §6 (VRRPv2), with keepalived's FAULT state, preempt delay
 * and tracking. No sockets, no clocks, no threads: the runtime feeds it events with the current
 * time and executes the actions it returns, in order. Not thread-safe: one caller at a time.
 *
 * <p>RFC 9568 calls the master the "Active Router" and Master_Down_Interval the
 * "Active_Down_Interval"; this code keeps the names operators know from keepalived.
 */
public final class VirtualRouter implements Router {
  private final RouterConfig config;
  private final byte[] authData;

  private VrrpState state = VrrpState.INIT;
  private int priority;

  /** Non-null while a fault is active (in FAULT) or pending (in INIT). */
  private String faultReason;

  private int masterAdvertIntervalCentis;
  private InetAddress masterAddress;
  private int masterPriority = -1;

  private final ArmedTimers armed = new ArmedTimers();

  /**
   * The last advert action made: sent again while the priority is unchanged, so that a master's
   * steady advertising allocates nothing (and the engine can reuse the encoded message).
   */
  private SendAdvertisement lastSend;

  /** {@link #timers()} as last derived, and the priority and interval it was derived from. */
  private TimerIntervals derivedTimers;

  private int derivedForPriority;
  private int derivedForIntervalCentis;

  /** When the master-down timer was last (re)started, and whether it runs Skew_Time only. */
  private long downTimerStartNanos;

  private boolean downTimerSkewOnly;

  /** Why the takeover happens if the down timer expires: written when it starts, not at expiry. */
  private String downTimerReason = DOWN_TIMER_EXPIRED;

  private static final String DOWN_TIMER_EXPIRED = "master down timer expired";

  /**
   * The preempt delay ran out since we last entered BACKUP: lower-priority masters are preempted.
   */
  private boolean preemptDelayElapsed;

  private String lastMismatch;

  /**
   * Peers whose adverts for our VRID we drop because we cannot agree (see {@link PeerConflict}).
   */
  private final PeerConflicts conflicts;

  /**
   * resign-below: set when this router resigned as MASTER, cleared when its priority is back at or
   * above the threshold (the failure episode is over). While set, as BACKUP it preempts nobody.
   */
  private boolean resigned;

  /**
   * Sync group gate: when set, an expiring master-down timer waits for the group instead of taking
   * over.
   */
  private boolean masterGated;

  private boolean awaitingMaster;
  private String awaitingReason;

  public VirtualRouter(RouterConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.authData = config.authData();
    this.priority = config.basePriority();
    this.masterAdvertIntervalCentis = config.advertIntervalCentis();
    this.conflicts = new PeerConflicts(conflictQuietNanos(config));
  }

  /**
   * A conflict episode ends after 3 × Master_Down_Interval (from our own interval and base
   * priority) without a conflicting advert: a peer advertising at our rate would have sent about
   * nine meanwhile, so quiet means it is gone or agrees with us now.
   */
  public static long conflictQuietNanos(RouterConfig config) {
    return 3
        * TimerIntervals.derive(
                config.version(), config.basePriority(), config.advertIntervalCentis())
            .masterDownIntervalNanos();
  }

  /**
   * Handles one event at {@code nowNanos} (any monotonic clock; only differences matter).
   *
   * @return the actions to execute, in order
   * @throws IllegalStateException for an event that cannot happen in the current state (for example
   *     a master-down timer in MASTER): a bug in the caller, never ignored
   */
  @Override
  public List<Action> handle(Event event, long nowNanos) {
    List<Action> out = new ArrayList<>(6);
    handle(event, nowNanos, out);
    return out;
  }

  /**
   * As {@link #handle(Event, long)}, appending the actions to {@code out}. When {@code out} is a
   * {@link Action.TimerSink} the timers are armed through it instead of as {@link ArmTimer} actions
   * (the engine's way of arming without allocating); every other action is appended in order.
   */
  @Override
  public void handle(Event event, long nowNanos, List<Action> out) {
    Objects.requireNonNull(event, "event");
    switch (event) {
      case Startup s -> startup(nowNanos, out);
      case Shutdown s -> shutdown(nowNanos, out);
      case AdvertReceived a -> advertReceived(a.advert(), nowNanos, out);
      case TimerFired t -> timerFired(t.timer(), nowNanos, out);
      case PriorityChanged p -> priorityChanged(p.effectivePriority(), nowNanos, out);
      case FaultRaised f -> faultRaised(f.reason(), nowNanos, out);
      case FaultCleared c -> faultCleared(nowNanos, out);
      case Event.AdvertRejected r -> advertRejected(r, nowNanos, out);
      case Event.CarpAdvertReceived c ->
          throw new IllegalStateException("CARP advertisement for VRRP router " + config.name());
    }
  }

  public RouterConfig config() {
    return config;
  }

  @Override
  public VrrpState state() {
    return state;
  }

  /** The priority this router advertises and elects with now. */
  @Override
  public int effectivePriority() {
    return priority;
  }

  /** The master's primary address as last seen (our own in MASTER); null before any. */
  @Override
  public InetAddress masterAddress() {
    return masterAddress;
  }

  /** Master_Adver_Interval in centiseconds: learned from the master (v3) or configured. */
  @Override
  public int masterAdvertIntervalCentis() {
    return masterAdvertIntervalCentis;
  }

  /** The priority of the last advert heard from the master (ours in MASTER); -1 before any. */
  @Override
  public int masterPriority() {
    return state == VrrpState.MASTER ? priority : masterPriority;
  }

  /**
   * True during a failure episode in which this router resigned (resign-below): as BACKUP it does
   * not preempt a lower-priority master; it still takes over when the master goes silent.
   */
  @Override
  public boolean resigned() {
    return resigned;
  }

  /**
   * The peers in conflict with this router now (see {@link PeerConflict}), in the order their
   * episodes began.
   */
  @Override
  public java.util.List<PeerConflict> conflicts() {
    return conflicts.current();
  }

  /** The current timer values (for status output and tests). */
  public TimerIntervals timers() {
    TimerIntervals t = derivedTimers;
    if (t == null
        || derivedForPriority != priority
        || derivedForIntervalCentis != masterAdvertIntervalCentis) {
      // Derived again only when an input changed: a backup hearing its master allocates nothing.
      t = TimerIntervals.derive(config.version(), priority, masterAdvertIntervalCentis);
      derivedTimers = t;
      derivedForPriority = priority;
      derivedForIntervalCentis = masterAdvertIntervalCentis;
    }
    return t;
  }

  /** The fault reason while in FAULT (or while a fault is pending in INIT); null otherwise. */
  @Override
  public String faultReason() {
    return faultReason;
  }

  /** The deadline of an armed timer, or -1 (for status output and tests). */
  public long timerDeadlineNanos(TimerName timer) {
    return armed.deadlineNanos(timer);
  }

  // ---------------------------------------------------------------- events

  private void startup(long now, List<Action> out) {
    if (state != VrrpState.INIT) {
      throw new IllegalStateException("startup in " + state);
    }
    masterAdvertIntervalCentis = config.advertIntervalCentis();
    if (faultReason != null) {
      changeState(VrrpState.FAULT, "startup with fault: " + faultReason, now, out);
    } else if (config.owner()) {
      // RFC 9568 §6.4.1: the address owner (priority 255) becomes master at once.
      changeState(VrrpState.MASTER, "address owner (priority 255) starts as master", now, out);
    } else {
      // RFC 9568 §6.4.1: everyone else starts as backup and waits Master_Down_Interval.
      changeState(VrrpState.BACKUP, "startup", now, out);
    }
  }

  private void shutdown(long now, List<Action> out) {
    switch (state) {
      case INIT -> throw new IllegalStateException("shutdown in INIT");
      case MASTER -> {
        // RFC 9568 §6.4.3: a leaving master sends priority 0 so the backups take over after
        // Skew_Time.
        out.add(sendAction(0));
        changeState(VrrpState.INIT, "shutdown", now, out);
      }
      case BACKUP, FAULT -> changeState(VrrpState.INIT, "shutdown", now, out);
    }
  }

  private void timerFired(TimerName timer, long now, List<Action> out) {
    if (!disarm(timer)) {
      throw new IllegalStateException(timerText(timer) + " timer in " + state + " (not armed)");
    }
    switch (timer) {
      case ADVERTISEMENT -> {
        if (state != VrrpState.MASTER) {
          throw new IllegalStateException("advertisement timer in " + state);
        }
        sendAdvertisement(now, out);
      }
      case MASTER_DOWN -> {
        if (state != VrrpState.BACKUP) {
          throw new IllegalStateException("master-down timer in " + state);
        }
        becomeMasterOrWait(downTimerReason, now, out);
      }
      case PREEMPT_DELAY -> {
        if (state != VrrpState.BACKUP) {
          throw new IllegalStateException("preempt-delay timer in " + state);
        }
        // From now on a lower-priority master is preempted as without a delay.
        preemptDelayElapsed = true;
      }
      case CONFLICT_QUIET -> {
        // In any state but INIT (stopping clears the episodes and cancels this timer).
        conflicts.quietTimerFired(now, armed, out);
      }
    }
  }

  private void priorityChanged(int newPriority, long now, List<Action> out) {
    if (config.owner() != (newPriority == RouterConfig.OWNER_PRIORITY)) {
      throw new IllegalStateException(
          config.owner()
              ? "priority "
                  + newPriority
                  + " for the address owner (expected: 255, tracking never lowers it)"
              : "priority 255 for a router that is not the address owner (expected: 1..254)");
    }
    if (newPriority == priority) {
      return;
    }
    int oldPriority = priority;
    priority = newPriority;
    int below = config.resignBelow();
    if (below > 0 && newPriority >= below) {
      // The failure episode is over: the next drop below the threshold may resign again.
      resigned = false;
    }
    if (below > 0 && state == VrrpState.MASTER && oldPriority >= below && newPriority < below) {
      // resign-below: hand over now instead of making the backups wait a Master_Down_Interval
      // for a master they would only preempt. Priority 0 makes every RFC peer take over after
      // its Skew_Time. Only on the crossing, so once per episode: a master that is master again
      // (nobody took over) or that became master while already below keeps the role.
      resigned = true;
      out.add(sendAction(0));
      changeState(
          VrrpState.BACKUP, "priority " + newPriority + " below resign-below " + below, now, out);
      masterPriority = 0;
      return;
    }
    switch (state) {
      case BACKUP -> {
        // Skew_Time depends on our priority: recompute the down timer from when it started,
        // so that frequent changes cannot keep postponing a takeover.
        if (armed.isArmed(TimerName.MASTER_DOWN)) {
          TimerIntervals t = timers();
          long length = downTimerSkewOnly ? t.skewTimeNanos() : t.masterDownIntervalNanos();
          arm(TimerName.MASTER_DOWN, Math.max(now, downTimerStartNanos + length), out);
        }
      }
      // A master tells the backups at once, so that a lower priority lets a better backup preempt
      // now.
      case MASTER -> sendAdvertisement(now, out);
      case INIT, FAULT -> {}
    }
  }

  private void faultRaised(String reason, long now, List<Action> out) {
    faultReason = reason;
    switch (state) {
      case INIT, FAULT -> {}
      case BACKUP -> changeState(VrrpState.FAULT, "fault: " + reason, now, out);
      case MASTER -> {
        // Step down loudly: priority 0 makes the backups take over after Skew_Time, not
        // Master_Down_Interval.
        out.add(sendAction(0));
        changeState(VrrpState.FAULT, "fault: " + reason, now, out);
      }
    }
  }

  private void faultCleared(long now, List<Action> out) {
    switch (state) {
      case INIT -> {
        if (faultReason == null) {
          throw new IllegalStateException("fault cleared in INIT without a fault");
        }
        faultReason = null;
      }
      case FAULT -> {
        faultReason = null;
        masterAdvertIntervalCentis = config.advertIntervalCentis();
        if (config.owner()) {
          // The address owner returns as it starts (RFC 9568 §6.4.1): straight to master.
          changeState(VrrpState.MASTER, "fault cleared, address owner", now, out);
        } else {
          changeState(VrrpState.BACKUP, "fault cleared", now, out);
        }
      }
      case BACKUP, MASTER -> throw new IllegalStateException("fault cleared in " + state);
    }
  }

  // ---------------------------------------------------------------- receiving

  private void advertReceived(ReceivedAdvertisement received, long now, List<Action> out) {
    Advertisement a = received.advertisement();
    InetAddress source = received.source();
    if (state == VrrpState.INIT || state == VrrpState.FAULT) {
      out.add(new Dropped(DropReason.NOT_RUNNING, "advert from " + text(source) + " in " + state));
      return;
    }
    if (!acceptable(received, now, out)) {
      return;
    }
    if (state == VrrpState.BACKUP) {
      backupReceived(a, source, now, out);
    } else {
      masterReceived(a, source, now, out);
    }
  }

  /**
   * An advert the engine refused before decoding (hmac-sha256). A peer that sends no trailer, signs
   * with another secret or whose clock is beyond the replay window is configured differently: each
   * of us may be master, as with a version or password mismatch, so it raises the conflict alarm
   * (not in INIT or FAULT, which take part in no election). A replay is no disagreement.
   */
  private void advertRejected(Event.AdvertRejected r, long now, List<Action> out) {
    if (state != VrrpState.INIT
        && state != VrrpState.FAULT
        && PeerConflict.isConflict(r.reason())) {
      conflict(r.source(), r.reason(), r.detail(), now, out);
    } else {
      out.add(new Dropped(r.reason(), r.detail()));
    }
  }

  /** The policy receive checks of RFC 9568 §7.1 / RFC 3768 §7.1 that need our configuration. */
  private boolean acceptable(ReceivedAdvertisement received, long now, List<Action> out) {
    Advertisement a = received.advertisement();
    InetAddress source = received.source();
    if (a.vrid() != config.vrid()) {
      out.add(
          new Dropped(DropReason.VRID, "VRID " + a.vrid() + " (expected: " + config.vrid() + ")"));
      return false;
    }
    // Hardening first: a packet from a source we do not listen to changes nothing, not even
    // the conflict alarm.
    Dropped refused = config.receive().checkSource(received);
    if (refused != null) {
      out.add(refused);
      return false;
    }
    if (a.version() != config.version()) {
      return conflict(
          source,
          DropReason.VERSION_MISMATCH,
          "VRRPv"
              + a.version().byteValue()
              + " from "
              + text(source)
              + " (expected: VRRPv"
              + config.version().byteValue()
              + ")",
          now,
          out);
    }
    if (a.family() != config.family()) {
      out.add(
          new Dropped(
              DropReason.ADDRESS_FAMILY, a.family() + " (expected: " + config.family() + ")"));
      return false;
    }
    if (a.addresses().isEmpty()) {
      // RFC 9568 errata 8299: Count IPvX Addr must be at least 1; an advert with none is ignored.
      return conflict(
          source,
          DropReason.ADDRESS_LIST_MISMATCH,
          "no addresses from " + text(source) + " (expected: at least 1, RFC 9568 errata 8299)",
          now,
          out);
    }
    if (source.equals(config.primaryAddress())) {
      out.add(
          new Dropped(DropReason.OWN_ADVERTISEMENT, "own advert (source " + text(source) + ")"));
      return false;
    }
    if (config.owner()) {
      // RFC 9568 §7.1: the address owner discards adverts for its VRID; nobody can beat 255.
      out.add(
          new Dropped(
              DropReason.VRID,
              "advert from "
                  + text(source)
                  + " (prio "
                  + a.priority()
                  + ") for a VRID we own (priority 255)"));
      return false;
    }
    if (config.version() == VrrpVersion.V2) {
      // RFC 3768 §7.1 (keepalived PASS): the type must match and all 8 bytes must match,
      // compared in constant time so the password cannot be guessed byte by byte.
      if (a.authType() != config.authType()) {
        return conflict(
            source,
            DropReason.AUTH,
            "auth type "
                + authText(a.authType())
                + " from "
                + text(source)
                + " (expected: "
                + authText(config.authType())
                + ")",
            now,
            out);
      }
      if (!MessageDigest.isEqual(a.authData(), authData)) {
        return conflict(source, DropReason.AUTH, "wrong password from " + text(source), now, out);
      }
      // RFC 3768 §7.1: the interval MUST match, or the packet is dropped.
      if (a.maxAdvertIntervalCentis() != config.advertIntervalCentis()) {
        return conflict(
            source,
            DropReason.INTERVAL_MISMATCH,
            "interval "
                + centisText(a.maxAdvertIntervalCentis())
                + " from "
                + text(source)
                + " (expected: "
                + centisText(config.advertIntervalCentis())
                + ")",
            now,
            out);
      }
    } else {
      // Hardening: never learn an interval so long that one spoofed advert keeps the address
      // on no host for minutes (3 × 40.95 s); a real peer that slow is a conflict to report.
      int cap = config.receive().maxLearnedIntervalCentis(config.advertIntervalCentis());
      if (a.maxAdvertIntervalCentis() > cap) {
        return conflict(
            source,
            DropReason.INTERVAL_TOO_LONG,
            "interval "
                + centisText(a.maxAdvertIntervalCentis())
                + " from "
                + text(source)
                + " (expected: at most "
                + centisText(cap)
                + ", max-learned-interval)",
            now,
            out);
      }
    }
    if (!sameAddresses(a.addresses(), config.virtualAddresses())
        && !new HashSet<>(a.addresses()).equals(new HashSet<>(config.virtualAddresses()))) {
      String detail =
          "addresses "
              + texts(a.addresses())
              + " from "
              + text(source)
              + " (expected: "
              + texts(config.virtualAddresses())
              + ")";
      if (config.version() == VrrpVersion.V2 && a.priority() != RouterConfig.OWNER_PRIORITY) {
        // RFC 3768 §7.1: unless it comes from the owner, a v2 advert with other addresses MUST be
        // dropped.
        return conflict(source, DropReason.ADDRESS_LIST_MISMATCH, detail, now, out);
      }
      // RFC 9568 §7.1: v3 only logs a mismatch; we report each distinct one once.
      if (!detail.equals(lastMismatch)) {
        lastMismatch = detail;
        out.add(new PeerMisconfigured(detail));
      }
    }
    return true;
  }

  /**
   * Drops an advert from a router that claims our VRID but disagrees with our configuration, and
   * starts a conflict episode with it if none is going on (see {@link PeerConflict}).
   *
   * @return false (the advert is not acceptable), for {@code return conflict(...)}
   */
  private boolean conflict(
      InetAddress source, DropReason reason, String detail, long now, List<Action> out) {
    conflicts.reject(source, reason, detail, now, armed, out);
    return false;
  }

  private void backupReceived(Advertisement a, InetAddress source, long now, List<Action> out) {
    if (a.priority() == 0) {
      // RFC 9568 §6.4.2: the master is leaving. Wait only Skew_Time, which is shorter the
      // higher our priority, so the best backup takes over first and the others hear it.
      masterAddress = source;
      masterPriority = 0;
      startDownTimer(true, now, out);
      return;
    }
    boolean lower = a.priority() < priority;
    if (!config.preempt() || !lower || resigned) {
      // RFC 9568 §6.4.2: a master at least as good as us (or any master, without preempt)
      // keeps its role: learn its interval (v3) and restart the down timer. After resigning
      // (resign-below) we preempt nobody until our priority recovers, or we would take back
      // the role we just handed over: the ping-pong resign-below must not cause.
      accept(a, source, now, out);
      return;
    }
    if (config.preemptDelayNanos() > 0 && !preemptDelayElapsed) {
      // keepalived's preempt_delay: tolerate the lower-priority master for a while (say, while
      // our services warm up) before preempting it; running since startup, or started by the
      // first such advert.
      if (!armed.isArmed(TimerName.PREEMPT_DELAY)) {
        arm(TimerName.PREEMPT_DELAY, now + config.preemptDelayNanos(), out);
      }
      accept(a, source, now, out);
      return;
    }
    if (config.fastPreempt()) {
      // Fast preempt (off by default): take over now instead of after Master_Down_Interval.
      // The lower master hears our advert and steps down; the cost is that an advert delayed
      // or reordered from a master whose priority is rising can cause a needless flap.
      masterPriority = a.priority();
      becomeMasterOrWait(
          "fast preempt: lower priority advert from "
              + text(source)
              + " (prio "
              + a.priority()
              + " < "
              + priority
              + ")",
          now,
          out);
      return;
    }
    // RFC 9568 §6.4.2: preempt on and the master is worse than us: discard the advert. Our down
    // timer keeps running; when it expires we take over and the old master hears us.
    masterPriority = a.priority();
  }

  private void accept(Advertisement a, InetAddress source, long now, List<Action> out) {
    if (config.version() == VrrpVersion.V3) {
      masterAdvertIntervalCentis = a.maxAdvertIntervalCentis();
    }
    masterAddress = source;
    masterPriority = a.priority();
    // A sync-group member waiting for the others gives up when a master it accepts is heard.
    awaitingMaster = false;
    startDownTimer(false, now, out);
  }

  private void masterReceived(Advertisement a, InetAddress source, long now, List<Action> out) {
    if (a.priority() == 0) {
      // RFC 9568 §6.4.3: some other router is leaving; tell the backups at once that we are
      // still here, so that none of them takes over after its Skew_Time.
      sendAdvertisement(now, out);
      return;
    }
    int cmp = Integer.compare(a.priority(), priority);
    boolean greaterAddress = cmp == 0 && compareAddresses(source, config.primaryAddress()) > 0;
    if (cmp > 0 || greaterAddress) {
      // RFC 9568 §6.4.3: a better master exists (higher priority, or equal priority and a
      // greater primary address): step down, learn its interval, watch it as a backup.
      if (config.version() == VrrpVersion.V3) {
        masterAdvertIntervalCentis = a.maxAdvertIntervalCentis();
      }
      masterAddress = source;
      masterPriority = a.priority();
      changeState(
          VrrpState.BACKUP,
          (cmp > 0 ? "higher priority advert from " : "equal priority advert from greater address ")
              + text(source)
              + " (prio "
              + a.priority()
              + ")",
          now,
          out);
      return;
    }
    // RFC 9568 §6.4.3 (new since RFC 5798): a worse master exists, say after a partition
    // healed. Discard its advert but send ours at once, so it steps down now rather than at
    // our next interval.
    sendAdvertisement(now, out);
  }

  // ---------------------------------------------------------------- the one path for state changes

  /**
   * Every state change goes through here: leave the old state (cancel its timers, release
   * addresses), enter the new one (take addresses, advertise, announce, arm timers), and report it
   * once with its reason.
   */
  private void changeState(VrrpState to, String reason, long now, List<Action> out) {
    VrrpState from = state;
    switch (from) {
      case MASTER -> {
        cancel(TimerName.ADVERTISEMENT, out);
        out.add(new RemoveAddresses(config.virtualAddresses()));
      }
      case BACKUP -> {
        cancel(TimerName.MASTER_DOWN, out);
        cancel(TimerName.PREEMPT_DELAY, out);
        awaitingMaster = false;
        awaitingReason = null;
      }
      case INIT, FAULT -> {}
    }
    state = to;
    switch (to) {
      case MASTER -> {
        // RFC 9568 §6.4.1/§6.4.2: send an advert, announce the addresses (GARP / unsolicited NA),
        // arm Adver_Timer. The advert goes first: it is what stops the other backups' timers, and
        // it needs none of the virtual addresses (its source is our own); adding them is queued
        // after it, and the announcements follow the add on the same lane.
        masterAddress = config.primaryAddress();
        masterPriority = priority;
        out.add(sendAction(priority));
        out.add(new AddAddresses(config.virtualAddresses()));
        out.add(new AnnounceAddresses(config.virtualAddresses()));
        arm(
            TimerName.ADVERTISEMENT,
            now + config.advertIntervalCentis() * TimerIntervals.NANOS_PER_CENTI,
            out);
      }
      case BACKUP -> {
        preemptDelayElapsed = false;
        startDownTimer(false, now, out);
        if (from != VrrpState.MASTER && config.preemptDelayNanos() > 0) {
          // keepalived's preempt_delay runs from startup (and from leaving FAULT): a freshly
          // booted host does not take over before its services have had time to come up.
          arm(TimerName.PREEMPT_DELAY, now + config.preemptDelayNanos(), out);
        }
      }
      // A stopped router forgets its resign-below episode and its conflicts; a restart starts
      // afresh.
      case INIT -> {
        resigned = false;
        conflicts.clear();
        cancel(TimerName.CONFLICT_QUIET, out);
      }
      case FAULT -> {}
    }
    out.add(new StateChanged(from, to, reason, priority));
  }

  private void becomeMasterOrWait(String reason, long now, List<Action> out) {
    if (masterGated) {
      // In a sync group: wait until every member would be master (the group releases us).
      cancel(TimerName.MASTER_DOWN, out);
      awaitingMaster = true;
      awaitingReason = reason;
      return;
    }
    changeState(VrrpState.MASTER, reason, now, out);
  }

  // ---------------------------------------------------------------- sync group hooks

  void gateMaster(boolean gated) {
    masterGated = gated;
  }

  /** True when this BACKUP would be MASTER but waits for its sync group. */
  boolean awaitingMaster() {
    return awaitingMaster;
  }

  /** The sync group lets a waiting member become MASTER. */
  void releaseToMaster(String groupReason, long now, List<Action> out) {
    if (!awaitingMaster || state != VrrpState.BACKUP) {
      throw new IllegalStateException(
          "release to master of a member in " + state + " that is not waiting");
    }
    changeState(VrrpState.MASTER, awaitingReason + "; " + groupReason, now, out);
  }

  /** The sync group pulls a MASTER member back to BACKUP, or stops a BACKUP member from waiting. */
  void followToBackup(String groupReason, long now, List<Action> out) {
    if (state == VrrpState.MASTER) {
      out.add(sendAction(0));
      changeState(VrrpState.BACKUP, groupReason, now, out);
    } else if (state == VrrpState.BACKUP && awaitingMaster) {
      awaitingMaster = false;
      startDownTimer(false, now, out);
    }
  }

  // ---------------------------------------------------------------- timers and adverts

  /**
   * (Re)starts Master_Down_Timer: the full Master_Down_Interval, or Skew_Time only after a
   * priority-0 advert. The lengths come from {@link TimerIntervals#derive}.
   */
  private void startDownTimer(boolean skewOnly, long now, List<Action> out) {
    TimerIntervals t = timers();
    downTimerStartNanos = now;
    downTimerSkewOnly = skewOnly;
    // Built now, Skew_Time ahead of the takeover, rather than between the timer and the advert.
    downTimerReason =
        skewOnly
            ? "master " + text(masterAddress) + " left (priority 0), skew time expired"
            : DOWN_TIMER_EXPIRED;
    arm(
        TimerName.MASTER_DOWN,
        now + (skewOnly ? t.skewTimeNanos() : t.masterDownIntervalNanos()),
        out);
  }

  private void sendAdvertisement(long now, List<Action> out) {
    out.add(sendAction(priority));
    arm(
        TimerName.ADVERTISEMENT,
        now + config.advertIntervalCentis() * TimerIntervals.NANOS_PER_CENTI,
        out);
  }

  /**
   * The advert this router sends when it becomes master with its present priority, built ahead: a
   * backup's takeover then sends this very object (which the engine has encoded by then), so the
   * takeover advert costs no construction between the down timer and the wire.
   */
  public SendAdvertisement takeoverAdvert() {
    return sendAction(priority);
  }

  private SendAdvertisement sendAction(int advertisedPriority) {
    if (lastSend == null || lastSend.advert().priority() != advertisedPriority) {
      lastSend = new SendAdvertisement(advertisement(advertisedPriority));
    }
    return lastSend;
  }

  private Advertisement advertisement(int advertisedPriority) {
    return new Advertisement(
        config.version(),
        config.family(),
        config.vrid(),
        advertisedPriority,
        config.advertIntervalCentis(),
        config.virtualAddresses(),
        config.authType(),
        authData);
  }

  private void arm(TimerName timer, long deadlineNanos, List<Action> out) {
    armed.arm(timer, deadlineNanos, out);
  }

  private void cancel(TimerName timer, List<Action> out) {
    armed.cancel(timer, out);
  }

  private boolean disarm(TimerName timer) {
    return armed.disarm(timer);
  }

  /** {@code a.equals(b)} for two address lists, without an iterator per advert. */
  private static boolean sameAddresses(List<InetAddress> a, List<InetAddress> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Unsigned, byte by byte: RFC 9568 compares primary addresses as numbers. */
  static int compareAddresses(InetAddress a, InetAddress b) {
    return java.util.Arrays.compareUnsigned(a.getAddress(), b.getAddress());
  }

  private static String timerText(TimerName timer) {
    return timer.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** An interval as the configuration writes it ({@code 1s}, {@code 250ms}): one formatter. */
  private static String centisText(int centis) {
    return DurationText.of(Duration.ofMillis(centis * 10L));
  }

  private static String authText(AuthType type) {
    return type == AuthType.SIMPLE_TEXT ? "PASS" : type.name();
  }

  private static String text(InetAddress address) {
    return address == null ? "unknown" : AddressText.of(address);
  }

  private static List<String> texts(List<InetAddress> addresses) {
    return addresses.stream().map(AddressText::of).sorted().toList();
  }

  @Override
  public String toString() {
    return config.name() + " " + state + " prio " + priority;
  }
}
