package org.vrrpagent.agent.notify;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.vrrpagent.agent.config.NotifyConfig.State;

/**
 * One state change as notifications tell it: an instance's (keepalived's {@code INSTANCE} line) or
 * a sync group's ({@code GROUP}: every member reached the same state).
 *
 * @param type INSTANCE or GROUP
 * @param name the instance or sync-group name
 * @param from the previous state: MASTER, BACKUP, FAULT or INIT (INIT = not running before)
 * @param to the new state; STOP when the instance stopped
 * @param priority the effective priority with which the state was entered (0 for a group)
 * @param reason why, from the state machine (e.g. "check named_ok failed: DNS SERVFAIL")
 * @param vips the virtual addresses concerned, without prefix length
 * @param members for a GROUP, its instances; empty for an INSTANCE
 * @param time when the change was reported
 */
public record StateEvent(
    Type type,
    String name,
    String from,
    State to,
    int priority,
    String reason,
    List<String> vips,
    List<String> members,
    Instant time)
    implements Notice {

  public enum Type {
    INSTANCE,
    GROUP
  }

  public StateEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
    vips = List.copyOf(vips);
    members = List.copyOf(members);
    Objects.requireNonNull(time, "time");
  }

  /** keepalived's notify FIFO line: {@code INSTANCE "dns0" MASTER 100}. */
  public String fifoLine() {
    return type + " \"" + name + "\" " + to + " " + priority;
  }

  /** {@code dns0: BACKUP -> MASTER (prio 250)}. */
  public String summary() {
    return name + ": " + from + " -> " + to + " (prio " + priority + ")";
  }
}
