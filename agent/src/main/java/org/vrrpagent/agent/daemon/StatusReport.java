package org.vrrpagent.agent.daemon;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.addresses.AddressReconciler;
import org.vrrpagent.agent.config.CarpSettings;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.agent.config.VirtualAddress;
import org.vrrpagent.agent.control.StatusSnapshot;
import org.vrrpagent.agent.notify.StatusSource;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.checks.CheckScheduler;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.core.carp.CarpConfig;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.engine.RouterStatus;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.linux.NetlinkAddressTable;
import org.vrrpagent.core.linux.VirtualMacLink;

/**
 * What the running daemon reports about itself: the control API's status snapshot and what a mail
 * says about the failing checks. Reads only; called from the control server's and the mail thread.
 */
final class StatusReport implements StatusSource {
  private static final Logger log = LoggerFactory.getLogger(StatusReport.class);
  private static final Pattern DELTA = Pattern.compile(": ([+-]\\d+)");
  private static final Pattern CLAMP = Pattern.compile("^clamped (-?\\d+) to (\\d+)$");

  /** The running pieces the report reads; any may be null while the daemon starts. */
  interface Running {
    Config config();

    Engine engine();

    PriorityTracker tracker();

    CheckScheduler checks();

    List<StatusSnapshot.PriorityFileStatus> priorityFiles();

    /** Null until the addresses are watched. */
    AddressReconciler reconciler();
  }

  private final Running running;

  /** Reads which virtual addresses are on the interfaces, for status (control API thread). */
  /** Opened at the first status that needs it, kept for the daemon's life (one socket). */
  private NetlinkAddressTable statusAddressTable;

  StatusReport(Running running) {
    this.running = running;
  }

  StatusSnapshot snapshot() {
    Engine engine = running.engine();
    PriorityTracker tracker = running.tracker();
    Config c = running.config();
    Map<String, PriorityTracker.Explained> why = tracker.explain();
    List<StatusSnapshot.InstanceStatus> instances = new ArrayList<>();
    long nowNanos = System.nanoTime();
    Instant now = Instant.now();
    Map<String, List<InterfaceAddress>> onInterfaces = new HashMap<>();
    for (RouterStatus r : engine.status()) {
      PriorityTracker.Explained e = why.get(r.name());
      InstanceConfig i = c.instances().get(r.name());
      CarpSettings carp = i == null ? null : i.carp().orElse(null);
      List<StatusSnapshot.PriorityReason> reasons = new ArrayList<>();
      if (e != null) {
        reasons.add(new StatusSnapshot.PriorityReason(e.baseReason(), e.base()));
        for (String contribution : e.contributions()) {
          reasons.add(new StatusSnapshot.PriorityReason(contribution, deltaOf(contribution)));
        }
      }
      instances.add(
          new StatusSnapshot.InstanceStatus(
              r.name(),
              r.state().name(),
              r.faultReason(),
              e == null ? r.basePriority() : e.base(),
              r.effectivePriority(),
              reasons,
              e == null ? null : e.demotionText(),
              r.masterAddress() == null ? null : AddressText.of(r.masterAddress()),
              r.masterPriority(),
              i == null ? List.of() : i.addresses().stream().map(VirtualAddress::toString).toList(),
              r.sinceNanos() == 0 ? null : now.minusNanos(nowNanos - r.sinceNanos()),
              i == null ? null : held(i, onInterfaces),
              conflicts(r, now, nowNanos),
              carp == null ? "vrrp" : "carp",
              carp == null ? -1 : CarpConfig.advskewFor(r.effectivePriority()),
              carp == null
                  ? -1
                  : CarpConfig.demoteFor(
                      r.effectivePriority(), CarpConfig.basePriorityFor(carp.advskew()))));
    }
    return new StatusSnapshot(
        c.node(),
        now,
        instances,
        StatusSnapshot.CheckSnapshot.all(running.checks().statuses()),
        running.priorityFiles());
  }

  /** The engine's peer conflicts and the duplicate-address alarms of router {@code r}. */
  private List<StatusSnapshot.ConflictStatus> conflicts(
      RouterStatus r, Instant now, long nowNanos) {
    List<StatusSnapshot.ConflictStatus> out = new ArrayList<>();
    r.conflicts()
        .forEach(
            p ->
                out.add(
                    new StatusSnapshot.ConflictStatus(
                        AddressText.of(p.peer()),
                        p.differs(),
                        p.reason().label(),
                        p.detail(),
                        now.minusNanos(nowNanos - p.sinceNanos()),
                        now.minusNanos(nowNanos - p.lastSeenNanos()),
                        p.adverts())));
    AddressReconciler rec = running.reconciler();
    if (rec != null) {
      for (AddressReconciler.Duplicate d : rec.duplicates()) {
        if (d.instance().equals(r.name())) {
          String address = AddressText.of(d.address().address().address());
          out.add(
              new StatusSnapshot.ConflictStatus(
                  d.mac(),
                  "duplicate address " + address,
                  "duplicate_address",
                  "another MAC answers for "
                      + address
                      + " (ARP / Neighbor Advertisement) on "
                      + d.address().interfaceName()
                      + " while we are MASTER",
                  now.minusNanos(nowNanos - d.sinceNanos()),
                  now.minusNanos(nowNanos - d.lastSeenNanos()),
                  d.claims()));
        }
      }
    }
    return out;
  }

  private synchronized NetlinkAddressTable statusTable() {
    if (statusAddressTable == null) {
      statusAddressTable = NetlinkAddressTable.open();
    }
    return statusAddressTable;
  }

  /**
   * The instance's virtual addresses that are on its interface now, from the address table (one
   * read per interface per status); null when the table cannot be read.
   */
  private List<String> held(InstanceConfig i, Map<String, List<InterfaceAddress>> onInterfaces) {
    String where =
        i.virtualMac() ? VirtualMacLink.interfaceName(i.family(), i.vrid()) : i.interfaceName();
    List<InterfaceAddress> present =
        onInterfaces.computeIfAbsent(
            where,
            name -> {
              try {
                return statusTable().list(name);
              } catch (RuntimeException ex) {
                log.debug("status: cannot read the addresses of {}: {}", name, ex.getMessage());
                return null;
              }
            });
    if (present == null) {
      return null;
    }
    return i.addresses().stream()
        .filter(v -> present.stream().anyMatch(p -> p.address().equals(v.address())))
        .map(VirtualAddress::toString)
        .toList();
  }

  /** "check web up: +20" → 20, "check x down: -60" → -60; 0 when the text carries no number. */
  static int deltaOf(String adjustment) {
    Matcher clamp = CLAMP.matcher(adjustment);
    if (clamp.matches()) {
      // what the clamp adds: the deltas then sum to the effective priority
      return Integer.parseInt(clamp.group(2)) - Integer.parseInt(clamp.group(1));
    }
    Matcher m = DELTA.matcher(adjustment);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  // ------------------------------------------------------------------ what mails say (mail thread)

  /**
   * The failing checks, for a mail's body. Reads the check scheduler only: never the engine, which
   * may be waiting to hand the mail thread its next event; every instance's state comes with the
   * event itself (see {@link StatusSource}).
   */
  @Override
  public List<StatusSource.FailingCheck> failingChecks() {
    CheckScheduler checks = running.checks();
    if (checks == null) {
      return List.of();
    }
    return checks.statuses().stream()
        .filter(c -> !c.up())
        .map(
            c ->
                new StatusSource.FailingCheck(
                    c.name(), c.lastResult().map(ProbeResult::reason).orElse("no result yet")))
        .toList();
  }
}
