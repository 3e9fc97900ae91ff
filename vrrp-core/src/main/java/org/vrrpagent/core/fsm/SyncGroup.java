package org.vrrpagent.core.fsm;

import java.util.List;
import java.util.SequencedMap;

/**
 * Virtual routers that change state together (keepalived's {@code vrrp_sync_group}): when
 * one member enters FAULT all enter FAULT; a member becomes MASTER only when every member
 * would be MASTER; when one MASTER member falls back to BACKUP, the others follow. Pure, like
 * {@link VirtualRouter}: feed it any member's event and execute the actions it returns per member.
 */
public final class SyncGroup {
  /** Most members in one group. */
  public static final int MAX_MEMBERS = 64;

  public SyncGroup(String name, List<RouterConfig> members) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Handles one event for one member at {@code nowNanos}.
   *
   * @param member the member's {@link RouterConfig#name()}
   * @return actions per member name, in member order; only members with actions appear
   * @throws IllegalArgumentException for an unknown member
   * @throws IllegalStateException for an impossible event, as {@link VirtualRouter#handle}
   */
  public SequencedMap<String, List<Action>> handle(String member, Event event, long nowNanos) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Feeds the same event to every member (Startup, Shutdown) and returns their actions. */
  public SequencedMap<String, List<Action>> handleAll(Event event, long nowNanos) {
    throw new UnsupportedOperationException("not yet");
  }

  public String name() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The members in configuration order (read-only views of their state). */
  public List<VirtualRouter> members() {
    throw new UnsupportedOperationException("not yet");
  }

  public VirtualRouter member(String name) {
    throw new UnsupportedOperationException("not yet");
  }
}
