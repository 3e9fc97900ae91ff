package org.vrrpagent.agent.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vrrpagent.agent.config.NotifyConfig.MailTrigger;
import org.vrrpagent.agent.config.NotifyConfig.State;

/** The mail policy and the coalescing window, on virtual time. */
class MailCoalescerTest {
  private static final long SECOND = 1_000_000_000L;
  private static final MailPolicy USUAL =
      new MailPolicy(
          Set.of(MailTrigger.MASTER, MailTrigger.FAULT, MailTrigger.BACKUP_AFTER_FAILURE));

  static StateEvent event(String name, String from, State to, int priority) {
    return new StateEvent(
        StateEvent.Type.INSTANCE,
        name,
        from,
        to,
        priority,
        "why",
        List.of(),
        List.of(),
        Instant.EPOCH);
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @CsvSource({
    "INIT, BACKUP, false", // a healthy node starting
    "MASTER, BACKUP, true", // lost mastership
    "FAULT, BACKUP, true", // back from a fault
    "BACKUP, MASTER, true",
    "INIT, MASTER, true", // address owner starting
    "BACKUP, FAULT, true",
    "MASTER, FAULT, true",
    "MASTER, STOP, false",
    "BACKUP, STOP, false"
  })
  void theUsualPolicy(String from, State to, boolean sends) {
    assertThat(USUAL.sends(event("dns0", from, to, 100))).isEqualTo(sends);
  }

  @Test
  void backupSendsForEveryBackupAndGroupsNeverSend() {
    MailPolicy backup = new MailPolicy(Set.of(MailTrigger.BACKUP, MailTrigger.STOP));
    assertThat(backup.sends(event("dns0", "INIT", State.BACKUP, 100))).isTrue();
    assertThat(backup.sends(event("dns0", "MASTER", State.STOP, 100))).isTrue();
    assertThat(backup.sends(event("dns0", "BACKUP", State.MASTER, 100))).isFalse();
    var group =
        new StateEvent(
            StateEvent.Type.GROUP,
            "dns",
            "INIT",
            State.BACKUP,
            0,
            "all",
            List.of(),
            List.of("a", "b"),
            Instant.EPOCH);
    assertThat(backup.sends(group)).isFalse();
  }

  @Test
  void transitionsInsideTheWindowMakeOneMailAndTheWindowStartsAtTheFirstSendingOne() {
    var c = new MailCoalescer(USUAL, Duration.ofSeconds(10));
    c.add(event("dns0", "INIT", State.BACKUP, 100), 0); // recent only: opens no window
    assertThat(c.deadlineNanos()).isEmpty();
    c.add(event("dns0", "BACKUP", State.MASTER, 100), 5 * SECOND); // opens: due at 15 s
    c.add(event("dns0", "MASTER", State.BACKUP, 90), 9 * SECOND);
    c.add(event("dns0", "BACKUP", State.MASTER, 100), 14 * SECOND);
    assertThat(c.deadlineNanos()).contains(15 * SECOND);
    assertThat(c.due(15 * SECOND - 1)).isEmpty();
    var batch = c.due(15 * SECOND).orElseThrow();
    assertThat(batch.transitions())
        .extracting(StateEvent::to)
        .containsExactly(State.MASTER, State.BACKUP, State.MASTER);
    assertThat(batch.recent()).hasSize(4);
    assertThat(c.due(100 * SECOND)).isEmpty();
    c.add(event("dns0", "MASTER", State.FAULT, 100), 16 * SECOND); // a new window
    assertThat(c.deadlineNanos()).contains(26 * SECOND);
  }

  @Test
  void zeroWindowMeansEveryTransitionIsDueAtOnce() {
    var c = new MailCoalescer(USUAL, Duration.ZERO);
    c.add(event("dns0", "BACKUP", State.MASTER, 100), 7);
    assertThat(c.due(7).orElseThrow().transitions()).hasSize(1);
  }

  @Test
  void aMailNamesAtMostItsLimitAndCountsTheRest() {
    var c = new MailCoalescer(USUAL, Duration.ofSeconds(1));
    for (int i = 0; i < MailCoalescer.MAX_PER_MAIL + 7; i++) {
      c.add(event("dns0", "BACKUP", State.MASTER, i), i);
    }
    var batch = c.flush().orElseThrow();
    assertThat(batch.transitions()).hasSize(MailCoalescer.MAX_PER_MAIL);
    assertThat(batch.omitted()).isEqualTo(7);
    assertThat(batch.recent()).hasSize(MailCoalescer.MAX_RECENT);
    assertThat(MailText.of("ns1", batch, List.of(), StatusSource.NONE).subject())
        .isEqualTo(
            "[ns1] dns0: BACKUP -> MASTER (prio 0) (+"
                + (MailCoalescer.MAX_PER_MAIL + 6)
                + " more)");
  }

  @Test
  void aFailingStatusSourceStillGivesAMail() {
    var c = new MailCoalescer(USUAL, Duration.ZERO);
    c.add(event("dns0", "BACKUP", State.MASTER, 100), 0);
    StatusSource broken =
        () -> {
          throw new IllegalStateException("checks gone");
        };
    MailText text =
        MailText.of(
            "ns1",
            c.flush().orElseThrow(),
            List.of(new StatusSource.InstanceSummary("dns0", "MASTER", 100, 100, "master down")),
            broken);
    assertThat(text.body())
        .contains(
            "check status unavailable",
            "dns0: BACKUP -> MASTER (prio 100)",
            "dns0  MASTER  priority 100  master down");
  }
}
