package org.vrrpagent.core.carp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.Action.AddAddresses;
import org.vrrpagent.core.fsm.Action.AnnounceAddresses;
import org.vrrpagent.core.fsm.Action.Dropped;
import org.vrrpagent.core.fsm.Action.RemoveAddresses;
import org.vrrpagent.core.fsm.Action.SendCarpAdvertisement;
import org.vrrpagent.core.fsm.Action.StateChanged;
import org.vrrpagent.core.fsm.ArmedTimers;
import org.vrrpagent.core.fsm.Event;
import org.vrrpagent.core.fsm.PeerConflict;
import org.vrrpagent.core.fsm.PeerConflicts;
import org.vrrpagent.core.fsm.Router;
import org.vrrpagent.core.fsm.TimerName;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.wire.DropReason;

/**
 * One CARP virtual host: a pure state machine beside the VRRP {@code VirtualRouter}, {@code (state,
 * event, now) -> (state, actions)}, with the election of carp(4) and ucarp 1.5.2 ({@link
 * CarpElection}). No sockets, no clocks, no randomness: the engine feeds it events with the current
 * time and executes the actions. It speaks the same actions as the VRRP router except that it sends
 * {@link SendCarpAdvertisement}, and it keeps the same states (INIT, BACKUP, MASTER, and FAULT for
 * a failed tracked check or interface, as the VRRP router does). Not thread-safe.
 *
 * <p>The skew it advertises follows its effective priority ({@link CarpConfig#advskewFor}), and so
 * does carp(4)'s demote count ({@link CarpConfig#demoteFor}); a master re-advertises at once when
 * either changes, so a {@code demote --to-backup} (advskew 254, demote 1) lets a preempting peer,
 * or any carp(4) peer, take over within one of the peer's intervals. A peer's demote count comes
 * first in the election, as in carp(4) ({@link CarpElection}).
 */
public final class CarpRouter implements Router {
  private final CarpConfig config;
  private final CarpDigest digest;
  private final PeerConflicts conflicts;
  private final ArmedTimers armed = new ArmedTimers();

  private VrrpState state = VrrpState.INIT;
  private int priority;
  private int advskew;
  private int demote;
  private long counter;
  private String faultReason;
  private InetAddress masterAddress;
  private int masterAdvskew = -1;
  private int masterAdvbase;

  /**
   * @param initialPriority the effective priority to start with (1..254): the configured skew's
   *     base priority, or what tracking and the priority-order file give now
   */
  public CarpRouter(CarpConfig config, int initialPriority) {
    this.config = Objects.requireNonNull(config, "config");
    this.digest = CarpDigest.forPassphrase(config.passphrase());
    this.priority = initialPriority;
    this.advskew = CarpConfig.advskewFor(initialPriority);
    this.demote = CarpConfig.demoteFor(initialPriority, config.basePriority());
    this.counter = config.initialCounter();
    this.masterAdvbase = config.advbaseSeconds();
    // As the VRRP router: an episode ends after three master-down intervals without a conflicting
    // advert.
    this.conflicts =
        new PeerConflicts(
            3 * CarpElection.masterDownIntervalNanos(config.advbaseSeconds(), config.advskew()));
  }

  public CarpConfig config() {
    return config;
  }

  /** The skew this router advertises now. */
  public int advskew() {
    return advskew;
  }

  /**
   * The demotion counter this router advertises now, as carp(4) carries it ({@link
   * CarpConfig#demoteFor}): 1 while demoted to the bottom, else 0.
   */
  public int demote() {
    return demote;
  }

  /** The replay counter the next advert carries. */
  public long counter() {
    return counter;
  }

  @Override
  public List<Action> handle(Event event, long nowNanos) {
    Objects.requireNonNull(event, "event");
    List<Action> out = new ArrayList<>(6);
    switch (event) {
      case Event.Startup s -> startup(nowNanos, out);
      case Event.Shutdown s -> shutdown(nowNanos, out);
      case Event.CarpAdvertReceived a -> received(a.advert(), a.source(), nowNanos, out);
      case Event.TimerFired t -> timerFired(t.timer(), nowNanos, out);
      case Event.PriorityChanged p -> priorityChanged(p.effectivePriority(), nowNanos, out);
      case Event.FaultRaised f -> faultRaised(f.reason(), nowNanos, out);
      case Event.FaultCleared c -> faultCleared(nowNanos, out);
      case Event.AdvertReceived a ->
          throw new IllegalStateException("VRRP advertisement for CARP router " + config.name());
      case Event.AdvertRejected r ->
          throw new IllegalStateException("hmac-sha256 refusal for CARP router " + config.name());
    }
    return out;
  }

  @Override
  public VrrpState state() {
    return state;
  }

  @Override
  public int effectivePriority() {
    return priority;
  }

  @Override
  public InetAddress masterAddress() {
    return masterAddress;
  }

  /** The priority the master's advertised skew stands for (ours in MASTER); -1 before any. */
  @Override
  public int masterPriority() {
    if (state == VrrpState.MASTER) {
      return priority;
    }
    return masterAdvskew < 0 ? -1 : CarpConfig.priorityForAdvskew(masterAdvskew);
  }

  /** The master's advertised interval (advbase + advskew/256 s) in centiseconds. */
  @Override
  public int masterAdvertIntervalCentis() {
    int skew = state == VrrpState.MASTER || masterAdvskew < 0 ? advskew : masterAdvskew;
    int base = state == VrrpState.MASTER ? config.advbaseSeconds() : masterAdvbase;
    return (int) (CarpAdvertisement.intervalMicros(base, skew) / 10_000);
  }

  @Override
  public String faultReason() {
    return faultReason;
  }

  @Override
  public boolean resigned() {
    return false;
  }

  @Override
  public List<PeerConflict> conflicts() {
    return conflicts.current();
  }

  /** The deadline of an armed timer, or -1 (for tests). */
  public long timerDeadlineNanos(TimerName timer) {
    return armed.deadlineNanos(timer);
  }

  // ---------------------------------------------------------------- events

  private void startup(long now, List<Action> out) {
    if (state != VrrpState.INIT) {
      throw new IllegalStateException("startup in " + state);
    }
    if (faultReason != null) {
      changeState(VrrpState.FAULT, "startup with fault: " + faultReason, now, out);
    } else {
      // carp(4) and ucarp start as backup and wait a master-down interval for a master.
      changeState(VrrpState.BACKUP, "startup", now, out);
    }
  }

  private void shutdown(long now, List<Action> out) {
    switch (state) {
      case INIT -> throw new IllegalStateException("shutdown in INIT");
      case MASTER -> {
        // carp(4)'s bow out: advbase 255, advskew 255 is longer than any backup's master-down
        // interval, so every backup takes over at once instead of waiting for our silence.
        out.add(
            new SendCarpAdvertisement(
                advertisement(CarpAdvertisement.BOW_OUT, CarpAdvertisement.BOW_OUT), priority));
        changeState(VrrpState.INIT, "shutdown (bow out)", now, out);
      }
      case BACKUP, FAULT -> changeState(VrrpState.INIT, "shutdown", now, out);
    }
  }

  private void timerFired(TimerName timer, long now, List<Action> out) {
    if (!armed.disarm(timer)) {
      throw new IllegalStateException(timer + " timer in " + state + " (not armed)");
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
        changeState(VrrpState.MASTER, "master down timer expired", now, out);
      }
      case CONFLICT_QUIET -> conflicts.quietTimerFired(now, armed, out);
      case PREEMPT_DELAY -> throw new IllegalStateException("preempt-delay timer in a CARP router");
    }
  }

  private void priorityChanged(int newPriority, long now, List<Action> out) {
    if (newPriority == priority) {
      return;
    }
    priority = newPriority;
    int skew = CarpConfig.advskewFor(newPriority);
    int demoted = CarpConfig.demoteFor(newPriority, config.basePriority());
    if (skew == advskew && demoted == demote) {
      return;
    }
    advskew = skew;
    demote = demoted;
    switch (state) {
      // The peers learn the new skew and demote count at once (carp(4) also advertises at once when
      // its group is demoted): a worse one lets a backup take over now.
      case MASTER -> sendAdvertisement(now, out);
      // The master-down interval depends on our skew; restart it with the new one.
      case BACKUP -> startDownTimer(now, out);
      case INIT, FAULT -> {}
    }
  }

  private void faultRaised(String reason, long now, List<Action> out) {
    faultReason = reason;
    switch (state) {
      case INIT, FAULT -> {}
      case BACKUP -> changeState(VrrpState.FAULT, "fault: " + reason, now, out);
      case MASTER -> {
        // Step down loudly, as at shutdown: the bow out makes the backups take over at once.
        out.add(
            new SendCarpAdvertisement(
                advertisement(CarpAdvertisement.BOW_OUT, CarpAdvertisement.BOW_OUT), priority));
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
        changeState(VrrpState.BACKUP, "fault cleared", now, out);
      }
      case BACKUP, MASTER -> throw new IllegalStateException("fault cleared in " + state);
    }
  }

  // ---------------------------------------------------------------- receiving

  private void received(CarpAdvertisement a, InetAddress source, long now, List<Action> out) {
    if (state == VrrpState.INIT || state == VrrpState.FAULT) {
      out.add(new Dropped(DropReason.NOT_RUNNING, "advert from " + text(source) + " in " + state));
      return;
    }
    if (a.vhid() != config.vhid()) {
      out.add(
          new Dropped(DropReason.VRID, "vhid " + a.vhid() + " (expected: " + config.vhid() + ")"));
      return;
    }
    if (source.equals(config.primaryAddress())) {
      out.add(
          new Dropped(DropReason.OWN_ADVERTISEMENT, "own advert (source " + text(source) + ")"));
      return;
    }
    if (!digest.verify(a, config.virtualAddresses())) {
      // carp(4) counts these (carps_badauth) and does nothing else: a wrong passphrase (or other
      // addresses, which the digest covers too) never moves the election. It is a conflict: the
      // sender claims our vhid and both of us may hold the addresses.
      conflicts.reject(
          source,
          DropReason.AUTH,
          "CARP digest from "
              + text(source)
              + " does not verify (expected: our passphrase and addresses "
              + config.virtualAddresses().stream().map(AddressText::of).toList()
              + ")",
          now,
          armed,
          out);
      return;
    }
    CarpElection.Self self =
        new CarpElection.Self(config.advbaseSeconds(), advskew, demote, config.primaryAddress());
    if (state == VrrpState.BACKUP) {
      backupReceived(self, a, source, now, out);
    } else {
      masterReceived(self, a, source, now, out);
    }
  }

  private void backupReceived(
      CarpElection.Self self, CarpAdvertisement a, InetAddress source, long now, List<Action> out) {
    switch (CarpElection.asBackup(self, a, config.preempt())) {
      case TAKE_OVER -> {
        String why =
            a.bowsOut()
                ? "master " + text(source) + " bowed out (advbase 255 advskew 255)"
                : a.demote() > demote
                    ? "master "
                        + text(source)
                        + " is more demoted (demote "
                        + a.demote()
                        + ", ours "
                        + demote
                        + ")"
                    : "preempt: " + text(source) + " advertises less often (" + interval(a) + ")";
        masterAddress = source;
        changeState(VrrpState.MASTER, why, now, out);
      }
      case RESTART_MASTER_DOWN -> {
        // A live master at least as good as us (or any master, without preempt): wait again.
        learn(a, source);
        startDownTimer(now, out);
      }
      case IGNORE, STEP_DOWN, REASSERT ->
          throw new IllegalStateException("backup verdict " + a + " from " + text(source));
    }
  }

  private void masterReceived(
      CarpElection.Self self, CarpAdvertisement a, InetAddress source, long now, List<Action> out) {
    switch (CarpElection.asMaster(self, a, source)) {
      case STEP_DOWN -> {
        // A better master: send one more advert so it knows it won (ucarp does), then watch it.
        out.add(
            new SendCarpAdvertisement(advertisement(config.advbaseSeconds(), advskew), priority));
        learn(a, source);
        changeState(
            VrrpState.BACKUP,
            "better master "
                + text(source)
                + " ("
                + interval(a)
                + (a.demote() == demote ? "" : " demote " + a.demote())
                + " vs our "
                + advskew
                + "/256 over "
                + config.advbaseSeconds()
                + " s"
                + (a.demote() == demote ? "" : " demote " + demote)
                + ")",
            now,
            out);
      }
      case REASSERT -> {
        // A worse master, say after a partition healed: advertise now so it steps down, and
        // announce again so the switches follow us rather than its gratuitous ARP.
        sendAdvertisement(now, out);
        out.add(new AnnounceAddresses(config.virtualAddresses()));
      }
      case IGNORE -> {}
      case TAKE_OVER, RESTART_MASTER_DOWN ->
          throw new IllegalStateException("master verdict " + a + " from " + text(source));
    }
  }

  private void learn(CarpAdvertisement a, InetAddress source) {
    masterAddress = source;
    masterAdvskew = a.advskew();
    masterAdvbase = a.advbase();
  }

  // ---------------------------------------------------------------- the one path for state changes

  /**
   * Every state change goes through here: leave the old state (cancel its timers, release
   * addresses), enter the new one (take addresses, advertise, announce, arm timers), report it
   * once.
   */
  private void changeState(VrrpState to, String reason, long now, List<Action> out) {
    VrrpState from = state;
    switch (from) {
      case MASTER -> {
        cancel(TimerName.ADVERTISEMENT, out);
        out.add(new RemoveAddresses(config.virtualAddresses()));
      }
      case BACKUP -> cancel(TimerName.MASTER_DOWN, out);
      case INIT, FAULT -> {}
    }
    state = to;
    switch (to) {
      case MASTER -> {
        // Take the addresses, advertise, announce (the engine repeats the announcement two
        // intervals later, as ucarp does), and advertise every interval.
        masterAddress = config.primaryAddress();
        out.add(new AddAddresses(config.virtualAddresses()));
        sendAdvertisement(now, out);
        out.add(new AnnounceAddresses(config.virtualAddresses()));
      }
      case BACKUP -> startDownTimer(now, out);
      case INIT -> {
        conflicts.clear();
        cancel(TimerName.CONFLICT_QUIET, out);
      }
      case FAULT -> {}
    }
    out.add(new StateChanged(from, to, reason, priority));
  }

  // ---------------------------------------------------------------- timers and adverts

  /** Master-down: {@code 3 × advbase + advskew/256} s of silence ({@link CarpElection}). */
  private void startDownTimer(long now, List<Action> out) {
    arm(
        TimerName.MASTER_DOWN,
        now + CarpElection.masterDownIntervalNanos(config.advbaseSeconds(), advskew),
        out);
  }

  /** An advert now, the next one {@code advbase + advskew/256} s later. */
  private void sendAdvertisement(long now, List<Action> out) {
    out.add(new SendCarpAdvertisement(advertisement(config.advbaseSeconds(), advskew), priority));
    arm(
        TimerName.ADVERTISEMENT,
        now + CarpElection.advertIntervalNanos(config.advbaseSeconds(), advskew),
        out);
  }

  /**
   * The next advert, with our demote count (carp(4) sends it in the bow out too): the counter goes
   * up by one per advert (as carp(4) did before its fixed replay cookie; see docs/carp.md).
   */
  private CarpAdvertisement advertisement(int base, int skew) {
    long c = counter++;
    return new CarpAdvertisement(
        config.vhid(),
        skew,
        base,
        demote,
        c,
        digest.compute(config.vhid(), config.virtualAddresses(), c));
  }

  private void arm(TimerName timer, long deadlineNanos, List<Action> out) {
    armed.arm(timer, deadlineNanos, out);
  }

  private void cancel(TimerName timer, List<Action> out) {
    armed.cancel(timer, out);
  }

  private static String interval(CarpAdvertisement a) {
    return "advbase " + a.advbase() + " advskew " + a.advskew();
  }

  private static String text(InetAddress address) {
    return address == null ? "unknown" : AddressText.of(address);
  }

  @Override
  public String toString() {
    return config.name() + " " + state + " advskew " + advskew + " demote " + demote;
  }
}
