package org.vrrpagent.agent.notify;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of one DNS action after a change of master (docs/geo-failover.md): to the event log
 * and {@code GET /events} as {@code {"type":"ACTION","name":"www","action":"zone-file",
 * "target":"/var/nsd/zones/example.org.zone","result":"changed","master":"ns1","standby":"ns2",
 * "attempts":1,"detail":"…"}}, to metrics, and by mail unless nothing changed.
 *
 * @param name the instance
 * @param action {@code dns-update} or {@code zone-file}
 * @param target the server (dns-update) or the file (zone-file)
 * @param result what happened
 * @param master the node the records now name as master
 * @param standby the node named as standby
 * @param attempts how many tries it took (dns-update retries while MASTER)
 * @param detail one line for an operator
 */
public record ActionEvent(
    String name,
    String action,
    String target,
    Result result,
    String master,
    String standby,
    int attempts,
    String detail,
    Instant time)
    implements Notice {

  /** How an action ended. */
  public enum Result {
    /** The records now name the current master and standby (and verified, if asked). */
    CHANGED("changed"),
    /** They already did: nothing written, no serial bump, no reload. */
    UNCHANGED("unchanged"),
    /** Refused or not reachable: nothing was changed. */
    FAILED("failed"),
    /** Written but the reload or verification failed: the original was put back and reloaded. */
    RESTORED("restored"),
    /** A newer change of master came first; this one was left for it. */
    SUPERSEDED("superseded");

    private final String label;

    Result(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public ActionEvent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(standby, "standby");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(time, "time");
  }

  /** {@code www: zone-file /var/…/example.org.zone changed (master ns1, standby ns2)}. */
  public String summary() {
    return name
        + ": "
        + action
        + " "
        + target
        + " "
        + result.label()
        + " (master "
        + master
        + ", standby "
        + standby
        + ")";
  }
}
