package org.vrrpagent.agent.notify;

import java.util.Set;
import org.vrrpagent.agent.config.NotifyConfig.MailTrigger;
import org.vrrpagent.agent.config.NotifyConfig.State;

/**
 * Which instance transitions send mail ({@code when:}). BACKUP after failure means: BACKUP entered
 * from MASTER (this node lost mastership: its priority fell below a peer's, it resigned, or a peer
 * preempted it) or from FAULT (it comes back from a fault). A node starting up into BACKUP (from
 * INIT) is healthy and sends nothing under {@code backup-after-failure}.
 */
record MailPolicy(Set<MailTrigger> when) {
  MailPolicy {
    when = Set.copyOf(when);
  }

  boolean sends(StateEvent event) {
    if (event.type() != StateEvent.Type.INSTANCE) {
      return false; // group lines repeat what the members' mails say
    }
    return switch (event.to()) {
      case MASTER -> when.contains(MailTrigger.MASTER);
      case FAULT -> when.contains(MailTrigger.FAULT);
      case STOP -> when.contains(MailTrigger.STOP);
      case BACKUP ->
          when.contains(MailTrigger.BACKUP)
              || (when.contains(MailTrigger.BACKUP_AFTER_FAILURE) && afterFailure(event));
    };
  }

  static boolean afterFailure(StateEvent event) {
    return event.to() == State.BACKUP
        && (event.from().equals("MASTER") || event.from().equals("FAULT"));
  }
}
