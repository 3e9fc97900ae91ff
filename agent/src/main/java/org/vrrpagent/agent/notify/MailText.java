package org.vrrpagent.agent.notify;

import java.util.List;

/** The subject and body of a notification mail. */
record MailText(String subject, String body) {

  /**
   * Subject {@code [node] dns0: BACKUP -> MASTER (prio 250)}, with {@code (+N more)} when the mail
   * covers several transitions. The body: the transitions, every instance as of the last of them
   * ({@code instances}, the snapshot that came with it), failing checks, recent transitions. Runs
   * on the mail thread holding no lock.
   */
  static MailText of(
      String node,
      MailCoalescer.Batch batch,
      List<StatusSource.InstanceSummary> instances,
      StatusSource status) {
    List<StateEvent> transitions = batch.transitions();
    int more = transitions.size() - 1 + batch.omitted();
    String subject =
        "["
            + node
            + "] "
            + transitions.getFirst().summary()
            + (more > 0 ? " (+" + more + " more)" : "");
    StringBuilder body = new StringBuilder();
    body.append("vrrp-agent on ").append(node).append(":\n\n");
    for (StateEvent e : transitions) {
      body.append("  ")
          .append(e.time())
          .append("  ")
          .append(e.summary())
          .append("\n")
          .append("      why: ")
          .append(e.reason())
          .append("\n");
      if (!e.vips().isEmpty()) {
        body.append("      addresses: ").append(String.join(" ", e.vips())).append("\n");
      }
    }
    if (batch.omitted() > 0) {
      body.append("  ... and ").append(batch.omitted()).append(" more transitions\n");
    }
    List<StatusSource.FailingCheck> failing;
    try {
      failing = status.failingChecks();
    } catch (RuntimeException e) {
      failing = List.of();
      body.append("\n(check status unavailable: ").append(e).append(")\n");
    }
    if (!instances.isEmpty()) {
      body.append("\nInstances as of the last transition:\n");
      for (var i : instances) {
        body.append("  ")
            .append(i.name())
            .append("  ")
            .append(i.state())
            .append("  priority ")
            .append(i.effectivePriority());
        if (i.effectivePriority() != i.basePriority()) {
          body.append(" (configured ").append(i.basePriority()).append(")");
        }
        if (!i.why().isEmpty()) {
          body.append("  ").append(i.why());
        }
        body.append("\n");
      }
    }
    body.append("\nFailing checks:").append(failing.isEmpty() ? " none\n" : "\n");
    for (var c : failing) {
      body.append("  ").append(c.name()).append(": ").append(c.reason()).append("\n");
    }
    body.append("\nRecent transitions (oldest first):\n");
    for (StateEvent e : batch.recent()) {
      body.append("  ")
          .append(e.time())
          .append("  ")
          .append(e.type() == StateEvent.Type.GROUP ? "group " : "")
          .append(e.summary())
          .append("  (")
          .append(e.reason())
          .append(")\n");
    }
    return new MailText(subject, body.toString());
  }

  /** One step of a planned rotation. */
  static MailText of(String node, RotationEvent r) {
    String subject = "[" + node + "] " + r.summary();
    String body =
        "vrrp-agent on "
            + node
            + ":\n\n  "
            + r.time()
            + "  "
            + r.summary()
            + "\n\nPlanned rotation hands mastership to the peer on a schedule so the standby is"
            + " known to work;\nsee docs/geo-failover.md, \"Rotation\".\n";
    return new MailText(subject, body);
  }

  /** The one mail of a conflict episode: what differs, with whom, and what to do. */
  static MailText of(String node, ConflictEvent c) {
    String subject = "[" + node + "] " + c.summary();
    StringBuilder body = new StringBuilder();
    body.append("vrrp-agent on ").append(node).append(":\n\n");
    body.append("  ").append(c.time()).append("  ").append(c.summary()).append("\n");
    body.append("      since: ").append(c.since()).append("\n");
    body.append("      what differs: ")
        .append(c.differs())
        .append(" (")
        .append(c.detail())
        .append(")\n");
    if (!c.vips().isEmpty()) {
      body.append("      addresses: ").append(String.join(" ", c.vips())).append("\n");
    }
    body.append("\n")
        .append(c.peer())
        .append(" claims the VRID of ")
        .append(c.instance())
        .append(" on its link, but this host drops its advertisements, and it likely drops ours:\n")
        .append(
            "both may hold the addresses at once (a split brain). Make the configurations agree\n")
        .append("(version, authentication, advert interval, addresses); see docs/operations.md,\n")
        .append(
            "\"Conflict alarm\". One mail per episode; the end of it is logged and sent as an event.\n");
    return new MailText(subject, body.toString());
  }

  /** One mail per action outcome that did something or failed: what, where, and what it means. */
  static MailText of(String node, ActionEvent a) {
    String subject = "[" + node + "] " + a.summary();
    StringBuilder body = new StringBuilder();
    body.append("vrrp-agent on ").append(node).append(":\n\n");
    body.append("  ").append(a.time()).append("  ").append(a.summary()).append("\n");
    body.append("      attempts: ").append(a.attempts()).append("\n");
    body.append("      ").append(a.detail()).append("\n\n");
    body.append(
        switch (a.result()) {
          case CHANGED, UNCHANGED ->
              "The records now name "
                  + a.master()
                  + " as master and "
                  + a.standby()
                  + " as standby.\n";
          case FAILED ->
              "Nothing was changed: the records still say what they said before. Resolvers keep\n"
                  + "the old answer for at most the record's TTL after a later change succeeds.\n"
                  + "See docs/geo-failover.md, \"Failure modes\".\n";
          case RESTORED ->
              "The new zone did not load or did not answer as expected: the original file was put\n"
                  + "back byte for byte and reloaded. See docs/geo-failover.md, \"Failure modes\".\n";
          case SUPERSEDED -> "A newer change of master came first and is being applied.\n";
        });
    return new MailText(subject, body.toString());
  }
}
