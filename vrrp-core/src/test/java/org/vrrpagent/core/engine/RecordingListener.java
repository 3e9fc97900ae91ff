package org.vrrpagent.core.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.PeerConflict;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.wire.DropReason;

/**
 * Test fixture: an {@link EngineListener} that records what the engine told it, safe to read from
 * the test's thread: accepted adverts, drops by reason (and their details), conflict alarms, state
 * changes (in order, and the latest per router).
 */
public class RecordingListener implements EngineListener {
  public final AtomicInteger received = new AtomicInteger();
  public final Map<DropReason, AtomicInteger> drops = new ConcurrentHashMap<>();
  public final List<String> dropDetails = new CopyOnWriteArrayList<>();
  public final List<PeerConflict> conflicts = new CopyOnWriteArrayList<>();

  /** Every state change, in order, of all routers. */
  public final List<VrrpState> states = new CopyOnWriteArrayList<>();

  /** The latest state of each router that changed state. */
  public final Map<String, VrrpState> stateOf = new ConcurrentHashMap<>();

  /** How many packets were dropped for {@code reason}. */
  public int dropped(DropReason reason) {
    return drops.getOrDefault(reason, new AtomicInteger()).get();
  }

  @Override
  public void advertReceived(String router) {
    received.incrementAndGet();
  }

  @Override
  public void dropped(String router, DropReason reason, String detail) {
    drops.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
    dropDetails.add(detail);
  }

  @Override
  public void conflictRaised(String router, PeerConflict conflict) {
    conflicts.add(conflict);
  }

  @Override
  public void stateChanged(String router, Action.StateChanged change) {
    states.add(change.to());
    stateOf.put(router, change.to());
  }
}
